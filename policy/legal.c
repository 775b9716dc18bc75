/* The legal references of the rules, as data: what is in force now beside what the seed
 * documents cite (REQUIREMENTS.md, "The law has moved since the seeds were written"). A
 * wrong reference is corrected here, without touching any rule. `checked` is false where
 * REQUIREMENTS.md says the text or the figure was not verified against the official text. */
#include "catalogue.h"

const struct policy_legal_ref legal_security_level = {
        .now = "Nghị định 331/2026/NĐ-CP (hệ thống cấp độ 3, Điều 13.2.b)",
        .seeds = "Nghị định 85/2016/NĐ-CP; Thông tư 12/2022/TT-BTTTT",
        .checked = true,
};

const struct policy_legal_ref legal_cybersecurity = {
        .now = "Luật An ninh mạng số 116/2025/QH15; Nghị định 333/2026/NĐ-CP",
        .seeds = "Luật An toàn thông tin mạng 2015; Luật An ninh mạng 2018",
        .checked = true,
};

const struct policy_legal_ref legal_personal_data = {
        .now = "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; Nghị định 356/2025/NĐ-CP",
        .seeds = "Nghị định 13/2023/NĐ-CP",
        .checked = true,
};

/* the figures the rules take from it (15 minutes, 10 logons, 45 days) come from a kit's
 * paraphrase */
const struct policy_legal_ref legal_tcvn = {
        .now = "TCVN 14423",
        .seeds = "TCVN 11930:2017",
        .checked = false,
};

/* Art. 22.3.d read through a compliance kit's template, not the gazette */
const struct policy_legal_ref legal_device_register = {
        .now = "Nghị định 331/2026/NĐ-CP, Điều 22.3.d (sổ quản lý thiết bị)",
        .seeds = "Nghị định 85/2016/NĐ-CP",
        .checked = false,
};

const struct policy_legal_ref legal_no_personal_tools = {
        .now = "Công văn 1552/BTTTT-THH ngày 26/4/2022 (hướng dẫn kỹ thuật Đề án 06)",
        .seeds = NULL,
        .checked = true,
};

/* the thresholds' only source is seed 004 */
const struct policy_legal_ref legal_lookup_lock = {
        .now = "Công văn 6383/CV-TCT ngày 12/9/2025 của Tổ công tác Đề án 06",
        .seeds = NULL,
        .checked = false,
};

/* the content and retention of the Art. 8 log are not verified */
const struct policy_legal_ref legal_access_log = {
        .now = "Thông tư 46/2022/TT-BCA, Điều 8",
        .seeds = NULL,
        .checked = false,
};

/* REQUIREMENTS.md dates it 25/5/2018; seed 003 cites a 14/CT-TTg of 07/6/2019 */
const struct policy_legal_ref legal_antimalware = {
        .now = "Chỉ thị 14/CT-TTg ngày 25/5/2018 (phòng, chống phần mềm độc hại)",
        .seeds = NULL,
        .checked = false,
};
