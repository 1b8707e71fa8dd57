// The insurance a case is about and the scheme the person is insured under (docs/parties.md): one
// list each, in machines/vocabulary.ts (the case types name their insurance from it), for the API's
// enums, the engine's rules and the batch filing's columns.
export { INSURANCES, SCHEMES, type Insurance, type Scheme } from "../../machines/vocabulary.ts";
