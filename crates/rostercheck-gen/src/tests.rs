//! Package-level checks: every generated package must be a valid, self-consistent OneRoster
//! exchange. The expected headers are hard-coded from the specification's JSON (§8 tables).
#![allow(clippy::string_slice, clippy::indexing_slicing)] // test code

use std::collections::{HashMap, HashSet};

use super::*;

const HEADERS_1_1: &[(&str, &str)] = &[
    ("manifest.csv", "propertyName,value"),
    (
        "orgs.csv",
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    ),
    (
        "academicSessions.csv",
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
    ),
    (
        "courses.csv",
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
    ),
    (
        "classes.csv",
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    ),
    (
        "users.csv",
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password",
    ),
    (
        "enrollments.csv",
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
    ),
    (
        "demographics.csv",
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus",
    ),
];

const HEADERS_1_2: &[(&str, &str)] = &[
    ("manifest.csv", "propertyName,value"),
    (
        "orgs.csv",
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    ),
    (
        "academicSessions.csv",
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
    ),
    (
        "courses.csv",
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
    ),
    (
        "classes.csv",
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    ),
    (
        "users.csv",
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    ),
    (
        "roles.csv",
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
    ),
    (
        "enrollments.csv",
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
    ),
    (
        "demographics.csv",
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus",
    ),
];

const MANIFEST_1_1: &[&str] = &[
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItems",
    "orgs",
    "resources",
    "results",
    "users",
];

const MANIFEST_1_2_EXTRA: &[&str] = &[
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
];

const CEDS_GRADES: &[&str] = &[
    "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// Splits one CSV record (RFC 4180, no line breaks inside fields), quoted only where a value
/// needs it.
fn split_record(line: &str) -> Vec<String> {
    split_fields(line, true)
}

/// [`split_record`], also of fields quoted without need when `minimal` is false.
fn split_fields(line: &str, minimal: bool) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                // Quoted field: runs to the lone closing quote, which must end the field.
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cur.push('"');
                        }
                        Some('"') => break,
                        Some(other) => cur.push(other),
                        None => panic!("unterminated quote in {line:?}"),
                    }
                }
                assert!(
                    matches!(chars.peek(), None | Some(',')),
                    "text after closing quote in {line:?}"
                );
                assert!(
                    !minimal || cur.contains([',', '"']),
                    "needlessly quoted field {cur:?} in {line:?}"
                );
                at_start = false;
            }
            '"' => panic!("stray quote in {line:?}"),
            ',' => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
            }
            _ => {
                cur.push(c);
                at_start = false;
            }
        }
    }
    fields.push(cur);
    fields
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn column<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let c = self.col(name);
        self.rows.iter().map(move |r| r[c].as_str())
    }
}

fn list(field: &str) -> Vec<&str> {
    if field.is_empty() {
        Vec::new()
    } else {
        field.split(',').collect()
    }
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r.clone())
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse().ok())
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn valid_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && valid_date(&s[..10])
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && [11, 12, 14, 15, 17, 18, 20, 21, 22]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 256
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

fn opts(version: Version, mode: Mode, students: u64) -> GenOptions {
    GenOptions {
        version,
        mode,
        students,
        seed: 42,
        crlf: false,
        uuid_ids: false,
        quote_all: false,
    }
}

/// Generates the package and checks everything a validator would; returns the parsed tables.
fn check_package(o: &GenOptions) -> HashMap<String, Table> {
    let files = generate_in_memory(o).expect("generate");
    let expected = match o.version {
        Version::V1_1 => HEADERS_1_1,
        Version::V1_2 => HEADERS_1_2,
    };
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, expected_names, "file order");

    let eol = if o.crlf { "\r\n" } else { "\n" };
    let mut tables = HashMap::new();
    for ((name, bytes), (_, header)) in files.iter().zip(expected) {
        let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!text.starts_with('\u{feff}'), "{name}: BOM");
        assert!(text.ends_with(eol), "{name}: final newline");
        let body = &text[..text.len() - eol.len()];
        if !o.crlf {
            assert!(!body.contains('\r'), "{name}: CR in LF file");
        }
        let mut lines = body.split(eol);
        assert_eq!(lines.next(), Some(*header), "{name}: header");
        let width = header.split(',').count();
        let mut rows = Vec::new();
        for (n, line) in lines.enumerate() {
            assert!(!line.contains(['\r', '\n']), "{name} row {n}: line break");
            let fields = split_record(line);
            assert_eq!(fields.len(), width, "{name} row {n}: {line:?}");
            for f in &fields {
                assert_eq!(f.trim(), f, "{name} row {n}: whitespace around {f:?}");
            }
            rows.push(fields);
        }
        assert!(!rows.is_empty(), "{name}: no data rows");
        let table = Table {
            header: header.split(',').map(str::to_string).collect(),
            rows,
        };
        if *name != "manifest.csv" {
            check_status(name, &table, o.mode);
            let mut seen = HashSet::new();
            for id in table.column("sourcedId") {
                assert!(valid_id(id), "{name}: bad sourcedId {id:?}");
                assert!(seen.insert(id), "{name}: duplicate sourcedId {id}");
            }
        }
        tables.insert(name.clone(), table);
    }

    check_manifest(&tables["manifest.csv"], o);
    check_references(&tables, o);
    tables
}

fn check_status(name: &str, t: &Table, mode: Mode) {
    for (status, modified) in t.column("status").zip(t.column("dateLastModified")) {
        match mode {
            Mode::Bulk => {
                assert_eq!(status, "", "{name}: bulk status");
                assert_eq!(modified, "", "{name}: bulk dateLastModified");
            }
            Mode::Delta => {
                assert_eq!(status, "active", "{name}: delta status");
                assert!(valid_datetime(modified), "{name}: {modified:?}");
            }
        }
    }
}

fn check_manifest(t: &Table, o: &GenOptions) {
    let rows: Vec<(&str, &str)> = t
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    let get = |k: &str| {
        let hits: Vec<&str> = rows.iter().filter(|r| r.0 == k).map(|r| r.1).collect();
        assert_eq!(hits.len(), 1, "manifest property {k}");
        hits[0]
    };
    assert_eq!(get("manifest.version"), "1.0");
    assert_eq!(get("oneroster.version"), o.version.as_str());
    assert_eq!(get("source.systemName"), "rostercheck-gen");
    let mut all: Vec<&str> = MANIFEST_1_1.to_vec();
    let mut written = vec![
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "enrollments",
        "demographics",
    ];
    if o.version == Version::V1_2 {
        all.extend(MANIFEST_1_2_EXTRA);
        written.push("roles");
    }
    let file_rows = rows.iter().filter(|r| r.0.starts_with("file.")).count();
    assert_eq!(file_rows, if o.version == Version::V1_1 { 13 } else { 21 });
    assert_eq!(rows.len(), file_rows + 3);
    let mode = match o.mode {
        Mode::Bulk => "bulk",
        Mode::Delta => "delta",
    };
    for f in all {
        let want = if written.contains(&f) { mode } else { "absent" };
        assert_eq!(get(&format!("file.{f}")), want, "file.{f}");
    }
}

fn check_references(t: &HashMap<String, Table>, o: &GenOptions) {
    let v11 = o.version == Version::V1_1;

    // orgs: one district at the root, every school directly under it.
    let orgs = &t["orgs.csv"];
    let mut org_type: HashMap<&str, &str> = HashMap::new();
    for r in &orgs.rows {
        org_type.insert(&r[orgs.col("sourcedId")], &r[orgs.col("type")]);
        assert!(!r[orgs.col("name")].is_empty());
    }
    let districts: Vec<&Vec<String>> = orgs
        .rows
        .iter()
        .filter(|r| r[orgs.col("type")] == "district")
        .collect();
    assert_eq!(districts.len(), 1);
    assert_eq!(districts[0][orgs.col("parentSourcedId")], "");
    let district = districts[0][orgs.col("sourcedId")].as_str();
    let mut schools = HashSet::new();
    for r in &orgs.rows {
        if r[orgs.col("type")] == "school" {
            assert_eq!(r[orgs.col("parentSourcedId")], district);
            let ident = &r[orgs.col("identifier")];
            assert!(ident.len() == 12 && ident.bytes().all(|b| b.is_ascii_digit()));
            schools.insert(r[orgs.col("sourcedId")].as_str());
        } else {
            assert_eq!(r[orgs.col("type")], "district");
        }
    }
    let expected_schools = o.students.max(1).div_ceil(611).max(1) as usize;
    assert_eq!(schools.len(), expected_schools);

    // academicSessions: a tree schoolYear > semester > gradingPeriod, children inside parents.
    let ses = &t["academicSessions.csv"];
    let mut session: HashMap<&str, (&str, &str, &str)> = HashMap::new();
    for r in &ses.rows {
        let (start, end) = (&r[ses.col("startDate")], &r[ses.col("endDate")]);
        assert!(valid_date(start) && valid_date(end) && start < end, "{r:?}");
        if r[ses.col("type")] == "schoolYear" {
            assert_eq!(
                r[ses.col("schoolYear")],
                &end[..4],
                "the year the school year ends"
            );
        }
        session.insert(&r[ses.col("sourcedId")], (&r[ses.col("type")], start, end));
    }
    for r in &ses.rows {
        let (kind, start, end) = session[r[ses.col("sourcedId")].as_str()];
        let parent = r[ses.col("parentSourcedId")].as_str();
        let want_parent = match kind {
            "schoolYear" => None,
            "semester" => Some("schoolYear"),
            "gradingPeriod" => Some("semester"),
            other => panic!("session type {other}"),
        };
        match want_parent {
            None => assert_eq!(parent, ""),
            Some(pk) => {
                let (ptype, pstart, pend) = session[parent];
                assert_eq!(ptype, pk);
                assert!(pstart <= start && end <= pend);
            }
        }
    }
    let years: HashSet<&str> = ses.column("schoolYear").collect();
    assert_eq!(
        years.len(),
        1,
        "every session belongs to the one school year"
    );
    let count = |k: &str| session.values().filter(|s| s.0 == k).count();
    assert_eq!(
        (
            count("schoolYear"),
            count("semester"),
            count("gradingPeriod")
        ),
        (1, 2, 4)
    );

    // courses
    let crs = &t["courses.csv"];
    let mut course_org: HashMap<&str, &str> = HashMap::new();
    for r in &crs.rows {
        let org = r[crs.col("orgSourcedId")].as_str();
        assert!(schools.contains(org));
        assert_eq!(
            session[r[crs.col("schoolYearSourcedId")].as_str()].0,
            "schoolYear"
        );
        check_grades(&r[crs.col("grades")]);
        assert_eq!(
            list(&r[crs.col("subjects")]).len(),
            list(&r[crs.col("subjectCodes")]).len()
        );
        course_org.insert(&r[crs.col("sourcedId")], org);
    }

    // classes
    let cls = &t["classes.csv"];
    let mut class_school: HashMap<&str, &str> = HashMap::new();
    let mut titles = HashSet::new();
    for r in &cls.rows {
        let school = r[cls.col("schoolSourcedId")].as_str();
        assert!(schools.contains(school));
        assert_eq!(course_org[r[cls.col("courseSourcedId")].as_str()], school);
        let terms = list(&r[cls.col("termSourcedIds")]);
        assert!(!terms.is_empty());
        for term in terms {
            assert_eq!(session[term].0, "semester");
        }
        assert!(matches!(
            r[cls.col("classType")].as_str(),
            "scheduled" | "homeroom"
        ));
        check_grades(&r[cls.col("grades")]);
        assert_eq!(
            list(&r[cls.col("subjects")]).len(),
            list(&r[cls.col("subjectCodes")]).len()
        );
        assert!(
            titles.insert((school, r[cls.col("title")].as_str())),
            "duplicate title"
        );
        class_school.insert(&r[cls.col("sourcedId")], school);
    }
    let expected_classes: usize = crate::plan::Plan::new(o.students).classes() as usize;
    assert_eq!(cls.rows.len(), expected_classes);

    // users (and, for 1.2, roles): role and org memberships of every user.
    let users = &t["users.csv"];
    let mut user_role: HashMap<&str, &str> = HashMap::new();
    let mut user_orgs: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut user_grade: HashMap<&str, &str> = HashMap::new();
    let mut primary_org: HashMap<&str, &str> = HashMap::new();
    let (mut usernames, mut emails) = (HashSet::new(), HashSet::new());
    for r in &users.rows {
        let id = r[users.col("sourcedId")].as_str();
        assert_eq!(r[users.col("enabledUser")], "true");
        for col in ["username", "givenName", "familyName"] {
            assert!(!r[users.col(col)].is_empty(), "{col}");
        }
        let username = r[users.col("username")].as_str();
        let email = r[users.col("email")].as_str();
        assert!(usernames.insert(username), "duplicate username {username}");
        assert!(emails.insert(email), "duplicate email {email}");
        assert_eq!(email, format!("{username}@district.example.org"));
        assert!(email
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'@')));
        if v11 {
            let role = r[users.col("role")].as_str();
            assert!(matches!(role, "student" | "teacher" | "administrator"));
            user_role.insert(id, role);
            let orgs_of: HashSet<&str> = list(&r[users.col("orgSourcedIds")]).into_iter().collect();
            assert!(!orgs_of.is_empty());
            for org in &orgs_of {
                assert!(org_type.contains_key(org));
            }
            user_orgs.insert(id, orgs_of);
        } else {
            let primary = r[users.col("primaryOrgSourcedId")].as_str();
            assert!(schools.contains(primary));
            primary_org.insert(id, primary);
        }
        user_grade.insert(id, &r[users.col("grades")]);
    }
    if !v11 {
        let roles = &t["roles.csv"];
        let mut primaries: HashMap<&str, usize> = HashMap::new();
        for r in &roles.rows {
            let user = r[roles.col("userSourcedId")].as_str();
            let org = r[roles.col("orgSourcedId")].as_str();
            assert!(user_grade.contains_key(user), "role of unknown user {user}");
            assert!(org_type.contains_key(org));
            let role = r[roles.col("role")].as_str();
            assert!(matches!(role, "student" | "teacher" | "principal"));
            match r[roles.col("roleType")].as_str() {
                "primary" => {
                    *primaries.entry(user).or_default() += 1;
                    user_role.insert(
                        user,
                        if role == "principal" {
                            "administrator"
                        } else {
                            role
                        },
                    );
                    assert_eq!(
                        primary_org[user], org,
                        "primary role org = primaryOrgSourcedId"
                    );
                }
                "secondary" => assert_eq!(role, "teacher"),
                other => panic!("roleType {other}"),
            }
            user_orgs.entry(user).or_default().insert(org);
        }
        assert_eq!(primaries.len(), users.rows.len(), "every user has a role");
        assert!(primaries.values().all(|&n| n == 1), "one primary role each");
    }
    for (id, role) in &user_role {
        let grade = user_grade[id];
        if *role == "student" {
            assert!(CEDS_GRADES.contains(&grade), "student grade {grade:?}");
        } else {
            assert_eq!(grade, "");
        }
    }
    let admins = user_role
        .values()
        .filter(|r| **r == "administrator")
        .count();
    assert_eq!(admins, schools.len());
    let students = user_role.values().filter(|r| **r == "student").count();
    assert_eq!(students as u64, o.students.max(1));

    // enrollments
    let enr = &t["enrollments.csv"];
    let mut primary_teachers: HashMap<&str, usize> = HashMap::new();
    let mut enrolled: HashMap<&str, usize> = HashMap::new();
    let mut pairs = HashSet::new();
    for r in &enr.rows {
        let class = r[enr.col("classSourcedId")].as_str();
        let school = r[enr.col("schoolSourcedId")].as_str();
        let user = r[enr.col("userSourcedId")].as_str();
        assert_eq!(
            class_school[class], school,
            "enrollment school = class school"
        );
        assert!(
            user_orgs[user].contains(school),
            "{user} not a member of {school}"
        );
        assert!(
            pairs.insert((user, class)),
            "duplicate enrollment {user} {class}"
        );
        let role = r[enr.col("role")].as_str();
        let primary = r[enr.col("primary")].as_str();
        assert_eq!(user_role[user], role);
        match role {
            "teacher" => {
                assert_eq!(primary, "true");
                *primary_teachers.entry(class).or_default() += 1;
            }
            "student" => {
                assert!(primary.is_empty() || primary == "false");
                *enrolled.entry(user).or_default() += 1;
            }
            other => panic!("enrollment role {other}"),
        }
    }
    assert_eq!(
        primary_teachers.len(),
        class_school.len(),
        "class without teacher"
    );
    assert!(primary_teachers.values().all(|&n| n == 1));
    assert_eq!(enrolled.len(), students, "student without enrollment");
    // Every teacher teaches something.
    let teachers: HashSet<&str> = enr
        .rows
        .iter()
        .filter(|r| r[enr.col("role")] == "teacher")
        .map(|r| r[enr.col("userSourcedId")].as_str())
        .collect();
    assert_eq!(
        teachers.len(),
        user_role.values().filter(|r| **r == "teacher").count()
    );

    // demographics: exactly the students.
    let dem = &t["demographics.csv"];
    assert_eq!(dem.rows.len(), students);
    for r in &dem.rows {
        let id = r[dem.col("sourcedId")].as_str();
        assert_eq!(user_role[id], "student");
        assert!(valid_date(&r[dem.col("birthDate")]));
        let sex = r[dem.col("sex")].as_str();
        if v11 {
            assert!(matches!(sex, "male" | "female"), "{sex}");
        } else {
            assert!(matches!(sex, "male" | "female" | "other" | "unspecified"));
        }
        for col in [
            "americanIndianOrAlaskaNative",
            "asian",
            "blackOrAfricanAmerican",
            "nativeHawaiianOrOtherPacificIslander",
            "white",
            "demographicRaceTwoOrMoreRaces",
            "hispanicOrLatinoEthnicity",
        ] {
            assert!(matches!(r[dem.col(col)].as_str(), "true" | "false"));
        }
    }

    // sourcedIds are unique across files too (demographics shares the users' ids by design).
    let mut all_ids = HashSet::new();
    for (name, table) in t {
        if name == "manifest.csv" || name == "demographics.csv" {
            continue;
        }
        for id in table.column("sourcedId") {
            assert!(all_ids.insert(id), "{id} used in two files");
        }
    }
}

fn check_grades(field: &str) {
    let grades = list(field);
    assert!(!grades.is_empty());
    for g in grades {
        assert!(CEDS_GRADES.contains(&g), "grade {g:?}");
    }
}

#[test]
fn valid_packages_all_versions_and_modes() {
    for students in [10, 2000] {
        for version in [Version::V1_1, Version::V1_2] {
            for mode in [Mode::Bulk, Mode::Delta] {
                check_package(&opts(version, mode, students));
            }
        }
    }
}

#[test]
fn tiny_and_odd_sizes_are_valid() {
    for students in [0, 1, 612, 6200] {
        check_package(&opts(Version::V1_1, Mode::Bulk, students));
    }
    check_package(&opts(Version::V1_2, Mode::Delta, 6200));
}

#[test]
fn crlf_packages_are_valid() {
    for version in [Version::V1_1, Version::V1_2] {
        let o = GenOptions {
            crlf: true,
            uuid_ids: false,
            quote_all: false,
            ..opts(version, Mode::Bulk, 50)
        };
        check_package(&o);
    }
}

#[test]
fn deterministic_and_seeded() {
    let a = generate_in_memory(&opts(Version::V1_2, Mode::Bulk, 700)).expect("a");
    let b = generate_in_memory(&opts(Version::V1_2, Mode::Bulk, 700)).expect("b");
    assert!(a == b, "same options must give identical bytes");
    let c = generate_in_memory(&GenOptions {
        seed: 43,
        ..opts(Version::V1_2, Mode::Bulk, 700)
    })
    .expect("c");
    let file = |p: &[(String, Vec<u8>)], n: &str| {
        p.iter()
            .find(|(name, _)| name == n)
            .map(|(_, b)| b.clone())
            .expect("file")
    };
    assert_ne!(file(&a, "users.csv"), file(&c, "users.csv"));
    assert_ne!(file(&a, "demographics.csv"), file(&c, "demographics.csv"));
    // The structure depends only on the student count.
    assert_eq!(file(&a, "enrollments.csv"), file(&c, "enrollments.csv"));
    assert_eq!(file(&a, "classes.csv"), file(&c, "classes.csv"));
}

#[test]
fn names_exercise_quoting_and_utf8() {
    let tables = check_package(&opts(Version::V1_1, Mode::Bulk, 2000));
    let users = &tables["users.csv"];
    let given: Vec<&str> = users.column("givenName").collect();
    let family: Vec<&str> = users.column("familyName").collect();
    assert!(given.iter().any(|g| g.contains('"')), "a name with a quote");
    assert!(
        family.iter().any(|f| f.contains(',')),
        "a name with a comma"
    );
    assert!(family.iter().any(|f| !f.is_ascii()), "a non-ASCII name");
    assert!(users.column("middleName").any(|m| !m.is_empty()));
    // Teachers shared between two schools have a quoted two-item orgSourcedIds.
    assert!(users.column("orgSourcedIds").any(|o| o.contains(',')));
}

#[test]
fn stats_match_output() {
    let o = opts(Version::V1_2, Mode::Delta, 300);
    let files = generate_in_memory(&o).expect("files");
    let mut sink = |_: &str| Ok(Box::new(io::sink()) as Box<dyn Write>);
    let stats = generate(&o, &mut sink).expect("stats");
    assert_eq!(stats.files.len(), files.len());
    for (f, (name, bytes)) in stats.files.iter().zip(&files) {
        assert_eq!(&f.name, name);
        assert_eq!(f.bytes, bytes.len() as u64, "{name}");
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(f.rows + 1, lines, "{name}");
    }
    assert_eq!(
        stats.total_bytes(),
        files.iter().map(|f| f.1.len() as u64).sum()
    );
    assert_eq!(
        stats.total_rows(),
        stats.files.iter().map(|f| f.rows).sum::<u64>()
    );
}

#[test]
fn generate_to_dir_writes_files() {
    let dir = std::env::temp_dir().join(format!("rostercheck-gen-test-{}", std::process::id()));
    let o = opts(Version::V1_1, Mode::Bulk, 20);
    let stats = generate_to_dir(&o, &dir).expect("write");
    let mem = generate_in_memory(&o).expect("mem");
    for (name, bytes) in &mem {
        assert_eq!(
            &std::fs::read(dir.join(name)).expect("read"),
            bytes,
            "{name}"
        );
    }
    assert_eq!(stats.files.len(), mem.len());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn presets_and_defaults() {
    let d = GenOptions::default();
    assert_eq!(
        (d.version, d.mode, d.students, d.seed, d.crlf),
        (Version::V1_2, Mode::Bulk, 100, 1, false)
    );
    let students = |n: &str| GenOptions::preset(n).map(|o| o.students);
    assert_eq!(students("small"), Some(500));
    assert_eq!(students("district"), Some(50_000));
    assert_eq!(students("city"), Some(1_100_000));
    assert_eq!(students("nope"), None);
}

#[test]
fn splitter_self_test() {
    assert_eq!(split_record("a,,b"), ["a", "", "b"]);
    assert_eq!(split_record("\"x,y\",\"a \"\"q\"\"\""), ["x,y", "a \"q\""]);
    assert_eq!(split_record(""), [""]);
    assert!(valid_date("2024-02-29") && !valid_date("2023-02-29") && !valid_date("2023-13-01"));
    assert!(valid_datetime("2026-08-01T12:00:00.000Z"));
    assert!(!valid_datetime("2026-08-01T12:00:00Z"));
}

#[test]
fn quoted_packages_hold_the_same_values_with_every_field_quoted() {
    for version in [Version::V1_1, Version::V1_2] {
        let plain = generate_in_memory(&opts(version, Mode::Bulk, 300)).expect("plain");
        let quoted = generate_in_memory(&GenOptions {
            quote_all: true,
            ..opts(version, Mode::Bulk, 300)
        })
        .expect("quoted");
        assert_eq!(plain.len(), quoted.len());
        for ((name, a), (_, b)) in plain.iter().zip(&quoted) {
            let (a, b) = (
                std::str::from_utf8(a).expect("utf8"),
                std::str::from_utf8(b).expect("utf8"),
            );
            assert_eq!(a.lines().count(), b.lines().count(), "{name}");
            for (x, y) in a.lines().zip(b.lines()) {
                let fields = split_fields(y, false);
                assert_eq!(split_record(x), fields, "{name}");
                let requoted: Vec<String> = fields
                    .iter()
                    .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
                    .collect();
                assert_eq!(requoted.join(","), y, "{name}: every field quoted");
            }
        }
    }
}
