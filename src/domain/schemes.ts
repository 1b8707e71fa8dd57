// The insurance a case is about and the scheme the person is insured under (docs/parties.md):
// one list each, for the API's enums, the engine's rules and the batch filing's columns.
export const INSURANCES = ["medical", "pension"] as const;
export type Insurance = (typeof INSURANCES)[number];
/** 职工医保 / 灵活就业 / 城乡居民医保 */
export const SCHEMES = ["employee", "flexible", "resident"] as const;
export type Scheme = (typeof SCHEMES)[number];
