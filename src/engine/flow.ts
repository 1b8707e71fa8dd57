// Which flow a medical transfer follows (machines/medicalTransfer.ts, version 2): the paper order
// (certificate first, application at a window) or the online order of 医保办发〔2021〕43号
// (application on the national platform at the new place first, electronic record form). Version 1
// cases are all paper; a version 2 case is undecided (null) until its certificate or its online
// application is recorded. Other case types have no flow: the answers leave the field out.
import { z } from "zod";
import { medicalTransferFlow, type MedicalTransferFlow } from "../../machines/medicalTransfer.ts";

export const flowSchema = z
  .enum(["paper", "online"])
  .nullable()
  .optional()
  .meta({
    description:
      "medical transfers only: paper (certificate first, application at a window) or online (applied on the " +
      "national platform at the transfer-in agency, electronic record form); null until the certificate or the " +
      "online application is recorded",
  });

type FlowAnswer = { flow?: MedicalTransferFlow | null };

/** `{ flow }` for a medical transfer from its stored snapshot; `{}` for other types. */
export function flowOfSnapshot(c: { type: string; machineVersion: number }, context: unknown): FlowAnswer {
  if (c.type !== "medicalTransfer") return {};
  const facts = typeof context === "object" && context !== null ? (context as Record<string, unknown>) : {};
  return { flow: medicalTransferFlow(c.machineVersion, facts) };
}

/** The same from the event log (the status lookup reads events, not the snapshot). */
export function flowOfEvents(c: { type: string; machineVersion: number }, types: readonly string[]): FlowAnswer {
  if (c.type !== "medicalTransfer") return {};
  if (c.machineVersion < 2) return { flow: "paper" };
  if (types.includes("APPLY_ONLINE")) return { flow: "online" };
  return { flow: types.includes("ISSUE_CERTIFICATE") ? "paper" : null };
}
