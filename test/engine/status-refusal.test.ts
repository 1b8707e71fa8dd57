// The status answer's refusal (issue #31 item 7) from the types' declarations: every version of a
// refused transfer reads its facts (versions 1 record the reason's text only), the gap states of a
// medical transfer still only from version 3.
import { describe, expect, it } from "vitest";
import { medicalTransferType } from "../../machines/medicalTransfer.ts";
import { pensionTransferType } from "../../machines/pensionTransfer.ts";
import { renewalType } from "../../machines/renewal.ts";
import { statusReadsFacts } from "../../src/engine/statusLookup.ts";

describe("the status answer's refusal", () => {
  it("is read from the facts of a refused transfer of every version, and only while refused", () => {
    for (const type of ["medicalTransfer", "pensionTransfer"])
      for (const machineVersion of [1, 2, 3])
        expect(statusReadsFacts({ type, machineVersion, state: "refused" })).toBe(true);
    expect(statusReadsFacts({ type: "medicalTransfer", machineVersion: 2, state: "onlineRefused" })).toBe(true);
    // the gap states: version 3 only, as before
    expect(statusReadsFacts({ type: "medicalTransfer", machineVersion: 2, state: "applicationFiled" })).toBe(false);
    expect(statusReadsFacts({ type: "medicalTransfer", machineVersion: 3, state: "applicationFiled" })).toBe(true);
    expect(statusReadsFacts({ type: "pensionTransfer", machineVersion: 3, state: "applicationFiled" })).toBe(false);
    expect(statusReadsFacts({ type: "renewal", machineVersion: 1, state: "arrearsAssessed" })).toBe(true);
  });

  it("gives a version 1 refusal's text with no code, a later one's code and text", () => {
    const v1 = { refusalReason: "not yet enrolled at the new place" };
    expect(medicalTransferType.view.status(1, "refused", [], v1).refusal).toEqual({
      reasonCode: null,
      reason: "not yet enrolled at the new place",
    });
    expect(pensionTransferType.view.status(1, "refused", [], v1).refusal).toEqual({
      reasonCode: null,
      reason: "not yet enrolled at the new place",
    });
    const v2 = { refusalReasonCode: "coverNotSuspended", refusalReason: null };
    expect(pensionTransferType.view.status(2, "refused", [], v2).refusal).toEqual({
      reasonCode: "coverNotSuspended",
      reason: null,
    });
    expect(medicalTransferType.view.status(2, "onlineRefused", ["APPLY_ONLINE", "REFUSE"], v2)).toEqual({
      flow: "online",
      refusal: { reasonCode: "coverNotSuspended", reason: null },
    });
    // refiled: the old reason stays in the facts, the answer no longer shows it
    expect(pensionTransferType.view.status(2, "applicationFiled", [], undefined)).toEqual({});
    expect(renewalType.view.status(3, "arrearsAssessed", [], {})).not.toHaveProperty("refusal");
  });
});
