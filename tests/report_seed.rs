//! The published Changzhou 2018 report (section 三) reproduced from a case
//! ledger built to match it, through the binary as an operator would: agencies
//! imported, the ledger imported, `gongkai report` in the Jiangsu narrative
//! format. Its sentences come out with its figures, while its one flaw (channel
//! counts that do not add up to the total) cannot: every case has a channel.
//! On both databases.

mod common;
use common::{TestApp, cli};
use std::fmt::Write;

both_backends!(the_changzhou_2018_report_is_reproduced_from_a_ledger,);

/// (code, name, short name, kind, applications in 2018).
const AGENCIES: [(&str, &str, &str, &str, usize); 13] = [
    ("CZ", "常州市人民政府", "常州市", "government", 0),
    ("CZ-LY", "溧阳市人民政府", "溧阳市", "government", 300),
    ("CZ-JT", "常州市金坛区人民政府", "金坛区", "government", 250),
    ("CZ-WJ", "常州市武进区人民政府", "武进区", "government", 200),
    ("CZ-XB", "常州市新北区人民政府", "新北区", "government", 100),
    ("CZ-TN", "常州市天宁区人民政府", "天宁区", "government", 80),
    ("CZ-ZL", "常州市钟楼区人民政府", "钟楼区", "government", 60),
    ("CZ-GTJ", "常州市国土资源局", "市国土局", "department", 400),
    ("CZ-GHJ", "常州市规划局", "市规划局", "department", 350),
    (
        "CZ-BGS",
        "常州市人民政府办公室",
        "市政府办公室",
        "department",
        300,
    ),
    ("CZ-JSJ", "常州市城乡建设局", "市建设局", "department", 200),
    ("CZ-HBJ", "常州市环境保护局", "市环保局", "department", 120),
    ("CZ-CZJ", "常州市财政局", "市财政局", "department", 65),
];

/// Counts handed out in order: the first `n` of each pair, then the next.
fn spread<'a>(parts: &[(&'a str, usize)], i: usize) -> &'a str {
    let mut at = i;
    for (value, n) in parts {
        if at < *n {
            return value;
        }
        at -= n;
    }
    ""
}

fn day(base: &str, plus: usize) -> String {
    let d = chrono::NaiveDate::parse_from_str(base, "%Y-%m-%d").unwrap()
        + chrono::Days::new(plus as u64);
    d.to_string()
}

async fn the_changzhou_2018_report_is_reproduced_from_a_ledger(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let mut agencies = String::from("code,name,kind,parent_code,short_name\n");
    for (code, name, short, kind, _) in AGENCIES {
        let parent = if code == "CZ" { "" } else { "CZ" };
        writeln!(agencies, "{code},{name},{kind},{parent},{short}").unwrap();
    }
    let agencies_csv = dir.path().join("agencies.csv");
    std::fs::write(&agencies_csv, agencies).unwrap();
    let (code, _, err) = cli(
        &app.db.url,
        &["agency", "import", agencies_csv.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{err}");

    let mut ledger = String::from(
        "agency_code,received_on,channel,requester_type,requester_name,subject,topic,outcome,closed_on,\
         review_filed_on,review_result,review_decided_on,lawsuit_filed_on,lawsuit_result,lawsuit_decided_on\n",
    );
    // 2017: 1729 applications, 85 reconsiderations, 93 lawsuits.
    for i in 0..1729 {
        let received = day("2017-01-03", i % 300);
        let closed = day(&received, 5);
        let review = if i < 85 {
            day(&closed, 3)
        } else {
            String::new()
        };
        let review_result = if i < 85 { "upheld" } else { "" };
        let review_decided = if i < 85 {
            day(&closed, 20)
        } else {
            String::new()
        };
        let suit = if (85..178).contains(&i) {
            day(&closed, 3)
        } else {
            String::new()
        };
        let suit_result = if (85..178).contains(&i) { "upheld" } else { "" };
        let suit_decided = if (85..178).contains(&i) {
            day(&closed, 40)
        } else {
            String::new()
        };
        writeln!(
            ledger,
            "CZ-GTJ,{received},online,natural_person,申请人{i},2016年某地块征地批复,征地拆迁,disclosed,{closed},\
             {review},{review_result},{review_decided},{suit},{suit_result},{suit_decided}"
        )
        .unwrap();
    }
    // 2018: 2425 applications as the report counts them.
    let by_agency: Vec<(&str, usize)> = AGENCIES.iter().map(|a| (a.0, a.4)).collect();
    let channels = [
        ("in_person", 247),
        ("fax", 50),
        ("online", 1035),
        ("letter", 1083),
        ("other", 10),
    ];
    let outcomes = [
        ("disclosed_already_public", 259),
        ("disclosed", 728),
        ("partial", 228),
        ("withheld_third_party", 228),
        ("not_held_other_agency", 372),
        ("not_held_nonexistent", 405),
        ("unclear_after_correction", 59),
        ("not_processed_petition", 146),
    ];
    let topics = [
        ("征地拆迁", 900),
        ("规划建设", 700),
        ("环境保护", 500),
        ("社会保障", 325),
    ];
    let reviews = [("upheld", 70), ("corrected", 4), ("other", 24)];
    let suits = [("upheld", 100), ("corrected", 7), ("other", 44)];
    for i in 0..2425 {
        let received = day("2018-01-02", i % 200);
        let closed = day(&received, 7);
        let (mut review, mut review_result, mut review_decided) =
            (String::new(), "", String::new());
        let (mut suit, mut suit_result, mut suit_decided) = (String::new(), "", String::new());
        if i < 98 {
            review = day(&closed, 3);
            review_result = spread(&reviews, i);
            review_decided = day(&closed, 30);
        } else if i < 98 + 151 {
            suit = day(&closed, 3);
            suit_result = spread(&suits, i - 98);
            suit_decided = day(&closed, 60);
        }
        writeln!(
            ledger,
            "{},{received},{},natural_person,申请人{i},某项政府信息,{},{},{closed},\
             {review},{review_result},{review_decided},{suit},{suit_result},{suit_decided}",
            spread(&by_agency, i),
            spread(&channels, (i * 7) % 2425),
            spread(&topics, (i * 11) % 2425),
            spread(&outcomes, (i * 13) % 2425),
        )
        .unwrap();
    }
    let ledger_csv = dir.path().join("ledger.csv");
    std::fs::write(&ledger_csv, ledger).unwrap();
    let (code, out, err) = cli(
        &app.db.url,
        &["ledger", "import", ledger_csv.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4154"), "{out}");

    let (code, text, err) = cli(
        &app.db.url,
        &["report", "--year", "2018", "--profile", "jiangsu-2018"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    for sentence in [
        "2018年常州市共受理依申请公开2425件，较上年增长40.25%。",
        "申请量上，下辖政府中列前3位的是溧阳市、金坛区、武进区，\
         所属部门中列前5位的是市国土局、市规划局、市政府办公室、市建设局、市环保局。",
        "申请形式上，当面申请247件，传真申请50件，网络申请1035件，信函申请1083件，其他方式10件。",
        "申请内容上，主要涉及征地拆迁、规划建设、环境保护等方面。",
        "常州市受理的2425件依申请公开申请，已全部办结，答复率100%。",
        "其中，属于主动公开范围259件，同意公开728件，同意部分公开228件，不予公开228件，\
         在上述可以答复是否公开的情形中，实际公开比例为84.20%。",
        "其余982件中，不属于本机关公开372件，信息不存在405件，申请内容不明确59件，\
         告知通过其他途径办理146件。",
        "行政复议申请98件，较上年增长15.29%。\
         其中，作出维持行政机关作出的信息公开答复告知70件，被行政纠错4件，其他情况24件。",
        "行政诉讼151件，较上年增长62.37%。\
         其中，判决维持具体行政行为或驳回诉讼请求100件，被依法纠错7件，其他情况44件。",
    ] {
        assert!(text.contains(sentence), "missing: {sentence}\n\n{text}");
    }
    // The figures behind it add up, channels included.
    let (code, json, err) = cli(
        &app.db.url,
        &[
            "report",
            "--year",
            "2018",
            "--profile",
            "jiangsu-2018",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let channels: u64 = v["channels"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(channels, 2425);
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
}
