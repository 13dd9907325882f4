//! `OR6xx`: data quality that consumers check after import. Raised by `quality.rs`.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static STUDENT_WITHOUT_ENROLLMENT: Rule = Rule {
    code: "OR601",
    name: "student-without-enrollment",
    severity: Warning,
    summary: "A student has no enrollments",
    docs: RuleDocs {
        what: "Reports students in users.csv that no enrollment names, when enrollments.csv is in the package.",
        why: "ClassLink's sanity check counts them: these students get accounts but no classes, so teachers cannot see them.",
        example: "A student row whose sourcedId appears in no enrollments.csv row.",
        fix: "Check the student's schedule in the SIS, or leave inactive students out of the export.",
        spec: "ClassLink Roster Server sanity check; Chalk Talk checklist (\"students without enrollments\").",
    },
};

pub static CLASS_WITHOUT_TEACHER: Rule = Rule {
    code: "OR602",
    name: "class-without-teacher",
    severity: Warning,
    summary: "A class has no teacher enrollment",
    docs: RuleDocs {
        what: "Reports classes that no enrollment with role `teacher` names, when enrollments.csv is in the package.",
        why: "HMH: \"A class must have a teacher assigned to it … Class could not be created.\" Google Classroom syncs only classes with a teacher.",
        example: "A class with 25 student enrollments and no teacher.",
        fix: "Assign the teacher of record in the SIS and export again.",
        spec: "HMH common import errors; Kimono Data Sync for Google Classroom.",
    },
};

pub static DUPLICATE_USERNAME: Rule = Rule {
    code: "OR603",
    name: "duplicate-username",
    severity: Warning,
    summary: "Two users share a username (ignoring case)",
    docs: RuleDocs {
        what: "Reports a username used by an earlier user, ignoring case and surrounding spaces, naming the first line.",
        why: "Single sign-on matches by username: D2L requires unique usernames and HMH merges the two people into one account.",
        example: "`jsmith` for two different users.",
        fix: "Give each person their own login name, matching the district's identity provider.",
        spec: "ClassLink import rosters; D2L \"Brightspace requires unique usernames\".",
    },
};

pub static DUPLICATE_EMAIL: Rule = Rule {
    code: "OR604",
    name: "duplicate-email",
    severity: Warning,
    summary: "Two users share an email address (ignoring case)",
    docs: RuleDocs {
        what: "Reports an email used by an earlier user, ignoring case, naming the first line.",
        why: "Amplify \"requires a unique email for all students and staff\"; Google Classroom and SDS match accounts by email.",
        example: "A parent's email given to two siblings.",
        fix: "Give each user their own address, or leave the field empty where there is none.",
        spec: "Amplify batch upload FAQ; NWEA DUPLICATE_EMAIL_ADDRESS.",
    },
};

pub static ROLE_ENROLLMENT_CONFLICT: Rule = Rule {
    code: "OR605",
    name: "role-enrollment-conflict",
    severity: Warning,
    summary: "A user's role contradicts the role of their enrollment",
    docs: RuleDocs {
        what: "Compares each enrollment's role with the user's role (users.csv `role` in 1.1, roles.csv in 1.2): a student enrolled as teacher, or a teacher enrolled as student.",
        why: "Consumers create accounts by the user's role; a student with a teacher enrollment can see classmates' work.",
        example: "users.csv role `student`, enrollments.csv role `teacher` for the same user.",
        fix: "Correct the role in the SIS, on the user or on the enrollment.",
        spec: "OneRoster data model: enrollment role and user role; Lab-Aids \"Users only have one role\".",
    },
};
