// Strings of issue #28 (the contribution record as the source of the figures): policies per
// insurance, the insurances an agency handles, the renewal assessed from the record, and the
// certificates of transfers from the record.
export const strings = {
  "zh-CN": {
    "admin.policies.insurance": "险种",
    "admin.policies.insuranceHint": "续保按案件的险种选用政策：养老保险续保只按养老保险政策核定",
    "admin.policies.createdFor": "已添加{insurance}政策：地区 {region}，{date} 起生效。",
    "admin.agencies.insurances": "承办险种",
    "admin.agencies.insurancesHint": "其他险种的案件不能由本机构办理（转出、转入或续保）",
    "admin.agencies.insurancesRequired": "至少选择一个险种",
    "assessment.noPolicyFor": "地区 {region} 在 {date} 没有生效的{insurance}续保政策，请管理员先添加。",
    "assessment.recordMissing":
      "本机构没有该参保人的{insurance}缴费明细，断缴月份和断缴前连续缴费月数无法从缴费记录得出：请先导入缴费明细，或填写断缴月份（不填断缴前连续缴费月数）。",
    "assessment.monthsFromRecord": "断缴月份已按本机构的缴费记录填写（最后缴费月份的次月至上月），可修改。",
    "assessment.continuityFromRecord": "断缴前连续缴费 {months} 个月（按缴费记录）",
    "field.monthsFromRecord": "断缴月份取自缴费记录",
    "field.monthsInRecord": "缴费记录中已补缴的月份",
    // certificates from the record (transfers, version 3); the fields are shared by the insurances
    "field.recordAsOf": "缴费记录截至",
    "field.deemedMonths": "视同缴费月数",
    "field.continuousMonths": "连续缴费月数",
    "field.firstMonth": "首次缴费月份",
    "field.lastMonth": "最后缴费月份",
    "field.arrears": "欠费月份",
    "field.periods": "缴费期间",
    "field.recordCorrections": "缴费记录的更正",
    "field.gap": "转移接续中断情况",
    "certificate.fromRecord":
      "凭证上的月数和金额由系统按本机构的缴费记录计算，无需填写；如填写，须与缴费记录一致。没有该参保人的缴费记录时，请先导入缴费明细。",
    // a medical transfer's gap between the old place and the new (version 3)
    "gap.months": "原参保地最后缴费月份 {last}，新参保地首个缴费月份 {first}，中断 {months} 个月。",
    "gap.unknown": "原参保地没有缴费记录，无法计算中断月数。",
    "gap.overThree": "中断超过 3 个月：按转入地规定设置待遇等待期 {waiting} 个月，期满后方可享受医保待遇。",
    "gap.overThreeNoPolicy": "中断超过 3 个月：按转入地规定设置待遇等待期，请向转入地经办机构咨询。",
    "refusal.pensionTransfer.ISSUE_CERTIFICATE":
      "凭证上的缴费月数和欠费必须与缴费期间、欠费月份相符，统筹基金必须为 1998 年以来缴费工资总额的 12%（四舍五入到分）。",
    "refusal.pensionTransfer.REISSUE_CERTIFICATE":
      "凭证上的缴费月数和欠费必须与缴费期间、欠费月份相符，统筹基金必须为 1998 年以来缴费工资总额的 12%（四舍五入到分）。",
  },
  en: {
    "admin.policies.insurance": "Insurance",
    "admin.policies.insuranceHint":
      "A renewal is assessed with the policy of its insurance: a pension renewal only with a pension policy",
    "admin.policies.createdFor": "{insurance} policy for region {region} added, effective {date}.",
    "admin.agencies.insurances": "Insurances handled",
    "admin.agencies.insurancesHint": "Cases of another insurance are refused on this agency (out, in or renewal)",
    "admin.agencies.insurancesRequired": "Choose at least one insurance",
    "assessment.noPolicyFor":
      "No {insurance} renewal policy for region {region} is in force on {date}; an administrator must add one first.",
    "assessment.recordMissing":
      "This agency holds no {insurance} contribution months of the person, so the missed months and the continuity before them cannot come from the record: import the months first, or type the missed months (and leave the continuity out).",
    "assessment.monthsFromRecord":
      "The missed months are filled in from this agency's contribution record (the month after the last paid one up to last month); change them if needed.",
    "assessment.continuityFromRecord": "{months} continuous months before the lapse (from the record)",
    "field.monthsFromRecord": "Missed months from the record",
    "field.monthsInRecord": "Back-paid months in the record",
    "field.recordAsOf": "Record as of",
    "field.deemedMonths": "Deemed months",
    "field.continuousMonths": "Continuous months",
    "field.firstMonth": "First month",
    "field.lastMonth": "Last month",
    "field.arrears": "Months in arrears",
    "field.periods": "Contribution periods",
    "field.gap": "Gap between the old place and the new",
    "certificate.fromRecord":
      "The months and amounts come from this agency's contribution record: leave them empty (a figure typed must be the record's). Without the person's record, import their months first.",
    "gap.months":
      "Last month paid at the old place {last}, first month at the new place {first}: a gap of {months} months.",
    "gap.unknown": "The old place holds no contribution months of the person: the gap cannot be computed.",
    "gap.overThree":
      "The gap is over 3 months: the new place's waiting period of {waiting} months applies before medical benefits.",
    "gap.overThreeNoPolicy":
      "The gap is over 3 months: the new place's waiting period applies; ask the transfer-in agency how long it is.",
    "field.recordCorrections": "Corrections of the record",
    "refusal.pensionTransfer.ISSUE_CERTIFICATE":
      "The certificate's months and arrears must add up to its periods and arrears months, and the pooled share must be 12 % of the contribution wages since 1998 (half up to the fen).",
    "refusal.pensionTransfer.REISSUE_CERTIFICATE":
      "The certificate's months and arrears must add up to its periods and arrears months, and the pooled share must be 12 % of the contribution wages since 1998 (half up to the fen).",
  },
};
