//! Generates synthetic OneRoster CSV packages (1.1 or 1.2, bulk or delta) shaped like a real
//! school district, from 10 students up to a New York City-sized district of 1.1 million.
//! Output is deterministic for a given seed, streamed file by file in bounded memory, and meant
//! to validate cleanly so that tests and benchmarks of the validator have realistic input.
//!
//! # Layout
//!
//! Everything scales from [`GenOptions::students`] (`N`, at least 1) with New York City ratios:
//!
//! * one `district` org `dst-0001`; `ceil(N / 611)` schools `sch-0001`…, children of the district,
//!   with 12-digit NCES-style identifiers. Students are spread evenly; a lone school is K-12,
//!   otherwise bands repeat elementary (K-5), middle (6-8), high (9-12), elementary, K-8;
//! * academic sessions for 2026-2027: a `schoolYear`, two `semester`s, four `gradingPeriod`s;
//! * 8 courses per school (`crs-00001`…), each split into `ceil(students / 80)` sections, one
//!   class each (`cls-000001`…), so about `N / 9.5` classes of at most 80 students;
//! * `max(1, round(students × 0.068))` teachers per school (`tch-000001`…), one principal per
//!   school (`adm-0001`…) and the students (`stu-0000001`…), sorted by grade within a school;
//! * every tenth school (0, 10, 20, …, when a next school exists) has its last class taught by
//!   the first teacher of the next school, who therefore belongs to two schools;
//! * enrollments (`enr-00000001`…): one primary teacher per class, and every student in one
//!   section of each of its school's 8 courses (about 8.1 enrollments per student overall);
//! * one demographics row per student; for 1.2, one `primary` role per user (`rol-0000001`…)
//!   plus a `secondary` role for each teacher shared between two schools.

// The generator reads no input: its indexes are into its own fixed tables.
#![allow(clippy::indexing_slicing)]

mod names;
mod out;
mod plan;

use std::cell::RefCell;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::rc::Rc;

use names::{DOMESTIC_BIRTHPLACES, FAMILY, FOREIGN_BIRTHPLACES, GIVEN, HONOREES};
use out::Out;
use plan::{Plan, Rng, GRADE_CODES};

/// OneRoster version of the generated package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1_1,
    V1_2,
}

impl Version {
    /// The manifest's `oneroster.version` value: `1.1` or `1.2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
        }
    }
}

/// Whether every file is a full (`bulk`) or an incremental (`delta`) exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Bulk,
    Delta,
}

impl Mode {
    /// The manifest's `file.<name>` value: `bulk` or `delta`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Bulk => "bulk",
            Mode::Delta => "delta",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenOptions {
    pub version: Version,
    pub mode: Mode,
    /// Number of students (values below 1 are treated as 1).
    pub students: u64,
    /// Seed for names, demographics and school names; the structure depends only on `students`.
    pub seed: u64,
    /// End lines with CRLF instead of LF.
    pub crlf: bool,
    /// sourcedIds as UUIDs (36 characters), as most SIS exports write them, instead of short
    /// readable ones (`stu-0000042`): about twice the bytes for the same roster.
    pub uuid_ids: bool,
    /// Every field quoted (`"stu-0000042","","",…`), as PowerShell's Export-Csv and some SIS
    /// exports write them, instead of quotes only where a value needs them.
    pub quote_all: bool,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            version: Version::V1_2,
            mode: Mode::Bulk,
            students: 100,
            seed: 1,
            crlf: false,
            uuid_ids: false,
            quote_all: false,
        }
    }
}

impl GenOptions {
    /// Named sizes: `small` (500 students), `district` (50,000) and `city` (1,100,000, about the
    /// New York City public schools). Other options are the defaults.
    pub fn preset(name: &str) -> Option<GenOptions> {
        let students = match name {
            "small" => 500,
            "district" => 50_000,
            "city" => 1_100_000,
            _ => return None,
        };
        Some(GenOptions {
            students,
            ..GenOptions::default()
        })
    }
}

/// What was written to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStats {
    /// File name, e.g. `users.csv`.
    pub name: String,
    /// Bytes written, header included.
    pub bytes: u64,
    /// Data rows written (the header line is not counted).
    pub rows: u64,
}

/// What was written to the whole package, in write order (manifest first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenStats {
    pub files: Vec<FileStats>,
}

impl GenStats {
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    pub fn total_rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }
}

/// Writes every file of the package; `open` is called once per file name (e.g. "users.csv") and
/// returns the writer. Files are written in the order manifest, orgs, academicSessions, courses,
/// classes, users, roles (1.2 only), enrollments, demographics; each writer is flushed when its
/// file is complete and then dropped.
pub fn generate(
    opts: &GenOptions,
    open: &mut dyn FnMut(&str) -> io::Result<Box<dyn Write>>,
) -> io::Result<GenStats> {
    let g = Gen::new(opts);
    let mut stats = GenStats::default();
    for &file in g.files() {
        let mut out = Out::new(file.name(), open(file.name())?, opts);
        match file {
            File::Manifest => g.manifest(&mut out)?,
            File::Orgs => g.orgs(&mut out)?,
            File::AcademicSessions => g.academic_sessions(&mut out)?,
            File::Courses => g.courses(&mut out)?,
            File::Classes => g.classes(&mut out)?,
            File::Users => g.users(&mut out)?,
            File::Roles => g.roles(&mut out)?,
            File::Enrollments => g.enrollments(&mut out)?,
            File::Demographics => g.demographics(&mut out)?,
        }
        stats.files.push(out.finish()?);
    }
    Ok(stats)
}

/// Convenience: creates `dir` and writes the files into it with BufWriter (64 KiB).
pub fn generate_to_dir(opts: &GenOptions, dir: &Path) -> io::Result<GenStats> {
    fs::create_dir_all(dir)?;
    generate(opts, &mut |name| {
        let f = fs::File::create(dir.join(name))?;
        Ok(Box::new(BufWriter::with_capacity(64 * 1024, f)) as Box<dyn Write>)
    })
}

/// For tests: generates into memory, returns (file name, bytes) pairs in manifest order.
pub fn generate_in_memory(opts: &GenOptions) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut bufs: Vec<(String, SharedBuf)> = Vec::new();
    generate(opts, &mut |name| {
        let buf = SharedBuf::default();
        bufs.push((name.to_string(), buf.clone()));
        Ok(Box::new(buf) as Box<dyn Write>)
    })?;
    Ok(bufs
        .into_iter()
        .map(|(name, buf)| (name, buf.0.take()))
        .collect())
}

#[derive(Clone, Default)]
struct SharedBuf(Rc<RefCell<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Package contents
// ---------------------------------------------------------------------------------------------

/// Domain of every email address.
const EMAIL_DOMAIN: &str = "district.example.org";
/// `status,dateLastModified` of every delta row.
const DELTA_STATUS: &str = "active,2026-08-01T12:00:00.000Z";
/// sourcedId of the single district org.
const DISTRICT_ID: &str = "dst-0001";
const DISTRICT_NAME: &str = "Metro City Public Schools";
/// 7-digit NCES LEA id; schools append a 5-digit school number to it.
const DISTRICT_NCES: &str = "3600001";

const SCHOOL_YEAR_ID: &str = "as-2027";
const BOTH_SEMESTERS: &str = "\"as-2027-s1,as-2027-s2\"";
const SEMESTERS: [&str; 2] = ["as-2027-s1", "as-2027-s2"];

/// `(sourcedId, title, type, startDate, endDate, parentSourcedId)`; parents come first.
const SESSIONS: [[&str; 6]; 7] = [
    [
        SCHOOL_YEAR_ID,
        "2026-2027",
        "schoolYear",
        "2026-08-17",
        "2027-06-30",
        "",
    ],
    [
        "as-2027-s1",
        "Fall 2026",
        "semester",
        "2026-08-17",
        "2027-01-15",
        SCHOOL_YEAR_ID,
    ],
    [
        "as-2027-gp1",
        "Fall 2026 Marking Period 1",
        "gradingPeriod",
        "2026-08-17",
        "2026-10-30",
        "as-2027-s1",
    ],
    [
        "as-2027-gp2",
        "Fall 2026 Marking Period 2",
        "gradingPeriod",
        "2026-11-02",
        "2027-01-15",
        "as-2027-s1",
    ],
    [
        "as-2027-s2",
        "Spring 2027",
        "semester",
        "2027-01-19",
        "2027-06-30",
        SCHOOL_YEAR_ID,
    ],
    [
        "as-2027-gp3",
        "Spring 2027 Marking Period 3",
        "gradingPeriod",
        "2027-01-19",
        "2027-04-02",
        "as-2027-s2",
    ],
    [
        "as-2027-gp4",
        "Spring 2027 Marking Period 4",
        "gradingPeriod",
        "2027-04-05",
        "2027-06-30",
        "as-2027-s2",
    ],
];
/// The `schoolYear` column: the year in which the school year ends.
const SCHOOL_YEAR: &str = "2027";
/// Birth year of a kindergartner in the 2026-2027 school year.
const KG_BIRTH_YEAR: u64 = 2021;

/// Id widths (minimum digits; larger numbers simply get longer).
const W_SCHOOL: usize = 4;
const W_COURSE: usize = 5;
const W_CLASS: usize = 6;
const W_STUDENT: usize = 7;
const W_TEACHER: usize = 6;
const W_ADMIN: usize = 4;
const W_ENROLLMENT: usize = 8;
const W_ROLE: usize = 7;

/// Seed streams, one per kind of random entity.
const STREAM_STUDENT: u64 = 1;
const STREAM_TEACHER: u64 = 2;
const STREAM_ADMIN: u64 = 3;
const STREAM_DEMOGRAPHICS: u64 = 4;
const STREAM_SCHOOL: u64 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum File {
    Manifest,
    Orgs,
    AcademicSessions,
    Courses,
    Classes,
    Users,
    Roles,
    Enrollments,
    Demographics,
}

impl File {
    fn name(self) -> &'static str {
        match self {
            File::Manifest => "manifest.csv",
            File::Orgs => "orgs.csv",
            File::AcademicSessions => "academicSessions.csv",
            File::Courses => "courses.csv",
            File::Classes => "classes.csv",
            File::Users => "users.csv",
            File::Roles => "roles.csv",
            File::Enrollments => "enrollments.csv",
            File::Demographics => "demographics.csv",
        }
    }
}

const FILES_1_1: &[File] = &[
    File::Manifest,
    File::Orgs,
    File::AcademicSessions,
    File::Courses,
    File::Classes,
    File::Users,
    File::Enrollments,
    File::Demographics,
];

const FILES_1_2: &[File] = &[
    File::Manifest,
    File::Orgs,
    File::AcademicSessions,
    File::Courses,
    File::Classes,
    File::Users,
    File::Roles,
    File::Enrollments,
    File::Demographics,
];

/// The `file.*` manifest properties in the order of the specification's manifest table.
const MANIFEST_FILES_1_1: &[&str] = &[
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

const MANIFEST_FILES_1_2: &[&str] = &[
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
];

const H_ORGS: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId";
const H_SESSIONS: &str =
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear";
const H_COURSES: &str = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes";
const H_CLASSES: &str = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods";
const H_USERS_1_1: &str = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password";
const H_USERS_1_2: &str = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns";
const H_ROLES: &str = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId";
const H_ENROLLMENTS: &str = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate";
const H_DEMOGRAPHICS: &str = "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Student,
    Teacher,
    Admin,
}

struct Gen<'a> {
    opts: &'a GenOptions,
    plan: Plan,
    /// `status,dateLastModified` as written after the sourcedId's comma: `,` in bulk.
    status: &'static [u8],
}

impl<'a> Gen<'a> {
    fn new(opts: &'a GenOptions) -> Self {
        let status: &'static [u8] = match opts.mode {
            Mode::Bulk => b",",
            Mode::Delta => DELTA_STATUS.as_bytes(),
        };
        Gen {
            opts,
            plan: Plan::new(opts.students),
            status,
        }
    }

    fn files(&self) -> &'static [File] {
        match self.opts.version {
            Version::V1_1 => FILES_1_1,
            Version::V1_2 => FILES_1_2,
        }
    }

    /// Writes `,status,dateLastModified,` after a sourcedId.
    #[inline]
    fn status(&self, out: &mut Out) {
        out.comma();
        out.raw(self.status);
        out.comma();
    }

    fn manifest(&self, out: &mut Out) -> io::Result<()> {
        out.header("propertyName,value")?;
        out.raw(b"manifest.version,1.0");
        out.end_row()?;
        out.raw(b"oneroster.version,");
        out.raw(self.opts.version.as_str().as_bytes());
        out.end_row()?;
        let (all, written) = match self.opts.version {
            Version::V1_1 => (MANIFEST_FILES_1_1, FILES_1_1),
            Version::V1_2 => (MANIFEST_FILES_1_2, FILES_1_2),
        };
        for &property in all {
            out.raw(b"file.");
            out.raw(property.as_bytes());
            out.comma();
            let present = written
                .iter()
                .any(|f| f.name().strip_suffix(".csv") == Some(property));
            let mode = if present {
                self.opts.mode.as_str()
            } else {
                "absent"
            };
            out.raw(mode.as_bytes());
            out.end_row()?;
        }
        out.raw(b"source.systemName,rostercheck-gen");
        out.end_row()
    }

    fn orgs(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_ORGS)?;
        out.raw(DISTRICT_ID.as_bytes());
        self.status(out);
        out.text(DISTRICT_NAME);
        out.raw(b",district,");
        out.raw(DISTRICT_NCES.as_bytes());
        out.comma();
        out.end_row()?;
        let mut name = String::new();
        for (s, sc) in self.plan.schools.iter().enumerate() {
            school_id(out, s);
            self.status(out);
            let honoree = Rng::new(self.opts.seed, STREAM_SCHOOL, s as u64).pick(HONOREES);
            name.clear();
            let number = s + 1;
            use std::fmt::Write as _;
            // Writing into a String cannot fail.
            let _ = match sc.band {
                plan::Band::Elementary => write!(name, "P.S. {number} {honoree}"),
                plan::Band::Middle => write!(name, "I.S. {number} {honoree}"),
                plan::Band::High => write!(name, "H.S. {number} {honoree}"),
                plan::Band::K8 => write!(name, "P.S./I.S. {number} {honoree}"),
                plan::Band::K12 => write!(name, "{honoree} K-12 School"),
            };
            out.text(&name);
            out.raw(b",school,");
            out.raw(DISTRICT_NCES.as_bytes());
            out.num(s as u64 + 1, 5);
            out.comma();
            out.raw(DISTRICT_ID.as_bytes());
            out.end_row()?;
        }
        Ok(())
    }

    fn academic_sessions(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_SESSIONS)?;
        for [id, title, kind, start, end, parent] in SESSIONS {
            out.raw(id.as_bytes());
            self.status(out);
            for field in [title, kind, start, end, parent] {
                out.text(field);
                out.comma();
            }
            out.raw(SCHOOL_YEAR.as_bytes());
            out.end_row()?;
        }
        Ok(())
    }

    fn courses(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_COURSES)?;
        for (s, sc) in self.plan.schools.iter().enumerate() {
            for (k, def) in sc.band.courses().iter().enumerate() {
                out.sid("crs-", sc.crs_off + k as u64 + 1, W_COURSE);
                self.status(out);
                out.raw(SCHOOL_YEAR_ID.as_bytes());
                out.comma();
                out.raw(def.title.as_bytes());
                out.raw(b" (Grades ");
                out.raw(sc.band.label().as_bytes());
                out.raw(b"),");
                out.raw(def.code.as_bytes());
                out.raw(b"-");
                out.raw(sc.band.label().as_bytes());
                out.comma();
                grade_list(out, sc.band.lo(), sc.band.hi());
                out.comma();
                school_id(out, s);
                out.comma();
                out.raw(def.subjects.as_bytes());
                out.comma();
                out.raw(def.subject_codes.as_bytes());
                out.end_row()?;
            }
        }
        Ok(())
    }

    fn classes(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_CLASSES)?;
        for (s, sc) in self.plan.schools.iter().enumerate() {
            for (k, def) in sc.band.courses().iter().enumerate() {
                let k = k as u64;
                for j in 0..sc.m {
                    let c = k * sc.m + j;
                    out.sid("cls-", sc.cls_off + c + 1, W_CLASS);
                    self.status(out);
                    out.raw(def.title.as_bytes());
                    out.raw(b" - Section ");
                    out.num(j + 1, 0);
                    out.comma();
                    let first = sc.section_start(j);
                    let last = sc.section_start(j + 1) - 1;
                    grade_list(out, sc.grade_of(first), sc.grade_of(last));
                    out.comma();
                    out.sid("crs-", sc.crs_off + k + 1, W_COURSE);
                    out.comma();
                    out.raw(def.code.as_bytes());
                    out.raw(b"-");
                    out.num(j + 1, 2);
                    out.raw(if def.homeroom {
                        b",homeroom,Room "
                    } else {
                        b",scheduled,Room "
                    });
                    out.num(101 + c, 0);
                    out.comma();
                    school_id(out, s);
                    out.comma();
                    if def.full_year {
                        out.raw(BOTH_SEMESTERS.as_bytes());
                    } else {
                        out.raw(SEMESTERS[(j % 2) as usize].as_bytes());
                    }
                    out.comma();
                    out.raw(def.subjects.as_bytes());
                    out.comma();
                    out.raw(def.subject_codes.as_bytes());
                    out.comma();
                    out.num((k + j) % 8 + 1, 0);
                    out.end_row()?;
                }
            }
        }
        Ok(())
    }

    fn users(&self, out: &mut Out) -> io::Result<()> {
        out.header(match self.opts.version {
            Version::V1_1 => H_USERS_1_1,
            Version::V1_2 => H_USERS_1_2,
        })?;
        for (s, sc) in self.plan.schools.iter().enumerate() {
            self.user(out, Kind::Admin, s as u64, s, None, None)?;
            for t in 0..sc.t {
                let second = self.plan.second_school(s, t);
                self.user(out, Kind::Teacher, sc.tch_off + t, s, second, None)?;
            }
            for i in 0..sc.n {
                let grade = sc.grade_of(i);
                self.user(out, Kind::Student, sc.stu_off + i, s, None, Some(grade))?;
            }
        }
        Ok(())
    }

    fn user(
        &self,
        out: &mut Out,
        kind: Kind,
        index: u64,
        school: usize,
        second: Option<usize>,
        grade: Option<u8>,
    ) -> io::Result<()> {
        let (stream, serial) = match kind {
            Kind::Student => (STREAM_STUDENT, index + 1),
            Kind::Teacher => (STREAM_TEACHER, self.plan.students + index + 1),
            Kind::Admin => (
                STREAM_ADMIN,
                self.plan.students + self.plan.teachers + index + 1,
            ),
        };
        let mut rng = Rng::new(self.opts.seed, stream, index);
        let given = rng.pick(GIVEN);
        let family = rng.pick(FAMILY);
        let middle = rng.chance(250).then(|| rng.pick(GIVEN).0);

        user_id(out, kind, index);
        self.status(out);
        out.raw(b"true,");
        if self.opts.version == Version::V1_1 {
            if let Some(other) = second {
                out.raw(b"\"");
                school_id(out, school);
                out.comma();
                school_id(out, other);
                out.raw(b"\"");
            } else {
                school_id(out, school);
            }
            out.raw(match kind {
                Kind::Student => b",student,",
                Kind::Teacher => b",teacher,",
                Kind::Admin => b",administrator,",
            });
        }
        // username
        let username = |out: &mut Out| {
            out.raw(given.1.as_bytes());
            out.raw(b".");
            out.raw(family.1.as_bytes());
            out.num(serial, 0);
        };
        username(out);
        out.raw(b",,"); // userIds
        out.text(given.0);
        out.comma();
        out.text(family.0);
        out.comma();
        if let Some(m) = middle {
            out.text(m);
        }
        out.comma();
        // identifier: a district-local id, deliberately not a bare 9-digit number.
        let (letter, width) = match kind {
            Kind::Student => ("S", W_STUDENT),
            Kind::Teacher => ("T", W_TEACHER),
            Kind::Admin => ("A", W_ADMIN),
        };
        out.id(letter, index + 1, width);
        out.comma();
        username(out);
        out.raw(b"@");
        out.raw(EMAIL_DOMAIN.as_bytes());
        out.raw(b",,,,"); // sms, phone, agentSourcedIds
        if let Some(g) = grade {
            out.raw(GRADE_CODES[usize::from(g)].as_bytes());
        }
        out.comma(); // password stays empty
        if self.opts.version == Version::V1_2 {
            // userMasterIdentifier, preferred{Given,Middle,Family}Name
            out.raw(b",,,,,");
            school_id(out, school);
            out.comma(); // pronouns
        }
        out.end_row()
    }

    fn roles(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_ROLES)?;
        let mut n = 0u64;
        let mut role = |out: &mut Out,
                        kind: Kind,
                        index: u64,
                        school: usize,
                        primary: bool|
         -> io::Result<()> {
            n += 1;
            out.sid("rol-", n, W_ROLE);
            self.status(out);
            user_id(out, kind, index);
            out.raw(if primary {
                b",primary,"
            } else {
                b",secondary,"
            });
            out.raw(match kind {
                Kind::Student => b"student,,,",
                Kind::Teacher => b"teacher,,,",
                Kind::Admin => b"principal,,,",
            });
            school_id(out, school);
            out.comma(); // userProfileSourcedId
            out.end_row()
        };
        for (s, sc) in self.plan.schools.iter().enumerate() {
            role(out, Kind::Admin, s as u64, s, true)?;
            for t in 0..sc.t {
                role(out, Kind::Teacher, sc.tch_off + t, s, true)?;
                if let Some(other) = self.plan.second_school(s, t) {
                    role(out, Kind::Teacher, sc.tch_off + t, other, false)?;
                }
            }
            for i in 0..sc.n {
                role(out, Kind::Student, sc.stu_off + i, s, true)?;
            }
        }
        Ok(())
    }

    fn enrollments(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_ENROLLMENTS)?;
        let mut n = 0u64;
        for (s, sc) in self.plan.schools.iter().enumerate() {
            for k in 0..plan::COURSES_PER_SCHOOL {
                for j in 0..sc.m {
                    let c = k * sc.m + j;
                    let class = sc.cls_off + c + 1;
                    let mut row = |out: &mut Out, kind: Kind, user: u64| -> io::Result<()> {
                        n += 1;
                        out.sid("enr-", n, W_ENROLLMENT);
                        self.status(out);
                        out.sid("cls-", class, W_CLASS);
                        out.comma();
                        school_id(out, s);
                        out.comma();
                        user_id(out, kind, user);
                        out.raw(if kind == Kind::Teacher {
                            b",teacher,true,,"
                        } else {
                            b",student,,,"
                        });
                        out.end_row()
                    };
                    row(out, Kind::Teacher, self.plan.teacher_of(s, c))?;
                    for i in sc.section_start(j)..sc.section_start(j + 1) {
                        row(out, Kind::Student, sc.stu_off + i)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn demographics(&self, out: &mut Out) -> io::Result<()> {
        out.header(H_DEMOGRAPHICS)?;
        // Cumulative days before each month of a non-leap year.
        const MONTH_START: [u64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
        for sc in &self.plan.schools {
            for i in 0..sc.n {
                let index = sc.stu_off + i;
                let mut rng = Rng::new(self.opts.seed, STREAM_DEMOGRAPHICS, index);
                user_id(out, Kind::Student, index);
                self.status(out);
                // birthDate: born in the calendar year that puts them in their grade.
                let year = KG_BIRTH_YEAR - u64::from(sc.grade_of(i));
                let day = rng.below(365);
                let month = MONTH_START.iter().rposition(|&d| d <= day).unwrap_or(0);
                out.num(year, 4);
                out.raw(b"-");
                out.num(month as u64 + 1, 2);
                out.raw(b"-");
                out.num(day - MONTH_START[month] + 1, 2);
                out.comma();
                // sex
                let r = rng.below(1000);
                let sex: &[u8] = match self.opts.version {
                    Version::V1_2 if r < 5 => b"other",
                    Version::V1_2 if r < 15 => b"unspecified",
                    _ if r < 507 => b"female",
                    _ => b"male",
                };
                out.raw(sex);
                // Race flags in header order: americanIndianOrAlaskaNative, asian,
                // blackOrAfricanAmerican, nativeHawaiianOrOtherPacificIslander, white.
                const RACE_WEIGHTS: [u64; 5] = [15, 190, 290, 10, 495];
                let pick_race = |rng: &mut Rng| {
                    let mut r = rng.below(1000);
                    RACE_WEIGHTS
                        .iter()
                        .position(|&w| {
                            let hit = r < w;
                            r = r.saturating_sub(w);
                            hit
                        })
                        .unwrap_or(4)
                };
                let mut races = [false; 5];
                races[pick_race(&mut rng)] = true;
                if rng.chance(30) {
                    races[pick_race(&mut rng)] = true;
                }
                let two_or_more = races.iter().filter(|&&r| r).count() > 1;
                let hispanic = rng.chance(410);
                for flag in races.into_iter().chain([two_or_more, hispanic]) {
                    out.raw(if flag { b",true" } else { b",false" });
                }
                // Birthplace.
                let place = if rng.chance(850) {
                    rng.pick(DOMESTIC_BIRTHPLACES)
                } else {
                    rng.pick(FOREIGN_BIRTHPLACES)
                };
                for field in [place.0, place.1, place.2] {
                    out.comma();
                    out.text(field);
                }
                out.comma(); // publicSchoolResidenceStatus
                out.end_row()?;
            }
        }
        Ok(())
    }
}

fn school_id(out: &mut Out, s: usize) {
    out.sid("sch-", s as u64 + 1, W_SCHOOL);
}

fn user_id(out: &mut Out, kind: Kind, index: u64) {
    match kind {
        Kind::Student => out.sid("stu-", index + 1, W_STUDENT),
        Kind::Teacher => out.sid("tch-", index + 1, W_TEACHER),
        Kind::Admin => out.sid("adm-", index + 1, W_ADMIN),
    }
}

/// Writes the grade codes `lo..=hi`, quoted when there is more than one.
fn grade_list(out: &mut Out, lo: u8, hi: u8) {
    let codes = &GRADE_CODES[usize::from(lo)..=usize::from(hi)];
    if codes.len() == 1 {
        out.raw(codes[0].as_bytes());
        return;
    }
    out.raw(b"\"");
    for (n, code) in codes.iter().enumerate() {
        if n > 0 {
            out.comma();
        }
        out.raw(code.as_bytes());
    }
    out.raw(b"\"");
}

#[cfg(test)]
mod tests;
