// Strings of the insured person's status page for issue #31 item 7: the refusal's reason and what to
// do next (the same next steps as the refusal notice, src/documents/kinds.ts refusalNextSteps: the
// page does not import src/), a renewal's payment deadline that has passed, a single agency.
export const strings = {
  "zh-CN": {
    "status.agency": "经办机构",
    "statusRefusal.statusTitle": "申请未获受理",
    "statusRefusal.reasonTerm": "不予受理原因",
    "statusRefusal.noReason": "经办机构未注明原因。",
    "statusRefusal.labelAndText": "{label}：{text}",
    "statusRefusal.nextTerm": "下一步",
    "statusRefusal.next.notEnrolledAtNewPlace":
      "请先在转入地办理参保登记（用人单位为职工办理增员），再凭本业务编号重新提出申请。",
    "statusRefusal.next.coverNotSuspended": "请先到转出地经办机构办理中止参保手续，再重新提出申请。",
    "statusRefusal.next.documentsIncomplete": "请补齐所需材料（身份证件、参保凭证、申请表）后重新提交申请。",
    "statusRefusal.next.detailsDoNotMatch": "请核对姓名、身份证号码和参保日期等信息，更正后重新提出申请。",
    "statusRefusal.next.other": "请按上述原因办理后重新提出申请；如有疑问，请向转入地经办机构咨询。",
    "payment.passed": "缴费期限 {date} 已过，请联系经办机构重新核定。",
    "payment.assessedAmount": "原核定应补缴 {amount}（滞纳金按原缴费期限计算，重新核定后金额可能变化）。",
  },
  en: {
    "status.agency": "Agency",
    "statusRefusal.statusTitle": "Your application was refused",
    "statusRefusal.reasonTerm": "Reason for refusal",
    "statusRefusal.noReason": "The agency gave no reason.",
    "statusRefusal.labelAndText": "{label}: {text}",
    "statusRefusal.nextTerm": "What to do next",
    "statusRefusal.next.notEnrolledAtNewPlace":
      "Enrol at the new place first (your employer registers you as its employee), then apply again with this case number.",
    "statusRefusal.next.coverNotSuspended":
      "Have your cover suspended at the old place's agency first, then apply again.",
    "statusRefusal.next.documentsIncomplete":
      "Complete the documents needed (ID, insurance certificate, application form) and apply again.",
    "statusRefusal.next.detailsDoNotMatch":
      "Check your name, ID number, enrolment dates and the other details, have them corrected and apply again.",
    "statusRefusal.next.other":
      "Act on the reason above and apply again; if anything is unclear, ask the transfer-in agency.",
    "payment.passed": "The payment deadline {date} has passed: please contact the agency for a new assessment.",
    "payment.assessedAmount":
      "The amount assessed was {amount} (late fees counted to the old deadline; a new assessment may change it).",
  },
};
