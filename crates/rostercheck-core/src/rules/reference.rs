//! `OR5xx`: references between files and the org and session hierarchies. Raised by
//! `references.rs` and `hierarchy.rs`.

use super::{Rule, RuleDocs};
use crate::diagnostic::Severity::*;

pub static UNRESOLVED_REFERENCE: Rule = Rule {
    code: "OR501",
    name: "unresolved-reference",
    severity: Error,
    summary: "A reference points at a record that is not in the target file",
    docs: RuleDocs {
        what: "Checks every reference (and every item of a reference list) names a sourcedId present in its target file: enrollments → classes, users, orgs; classes → courses, orgs, academicSessions; users → orgs and agents; and so on. One finding per missing id, with how many rows use it. In delta files it is a warning, since the record may have been sent earlier.",
        why: "The consumer cannot attach the record: an enrollment pointing at a missing class drops the student from that class (HMH: \"the classes.csv has no entry for this class\").",
        example: "enrollments.csv `classSourcedId` `cls-999` with no such class in classes.csv.",
        fix: "Export the missing record, or correct the id. Check the ids did not lose leading zeros or change case.",
        spec: "OneRoster CSV binding §5: a bulk set MUST be semantically complete; reference columns name sourcedIds of the target file.",
    },
};

pub static WRONG_TARGET_TYPE: Rule = Rule {
    code: "OR502",
    name: "wrong-target-type",
    severity: Error,
    summary: "A reference points at a record of the wrong kind",
    docs: RuleDocs {
        what: "Checks that `schoolSourcedId` names an org of type `school`, `schoolYearSourcedId` a session of type `schoolYear`, and a result's student a user with the student role.",
        why: "Consumers build schools, years and students from these links; a class attached to the district or a department has no school (Great Minds: \"Must be 'school' org type\").",
        example: "classes.csv `schoolSourcedId` naming the district org.",
        fix: "Point the reference at the right record, or correct the target's `type`.",
        spec: "OneRoster CSV binding §3: classes/enrollments schoolSourcedId reference a school org; courses.schoolYearSourcedId a schoolYear session.",
    },
};

pub static HIERARCHY_CYCLE: Rule = Rule {
    code: "OR503",
    name: "hierarchy-cycle",
    severity: Error,
    summary: "An org or session is its own ancestor",
    docs: RuleDocs {
        what: "Follows `parentSourcedId` in orgs.csv and academicSessions.csv and reports loops, including a record that is its own parent.",
        why: "Consumers walk the hierarchy to find a school's district or a term's year; a loop never ends or is rejected.",
        example: "School A's parent is school B and school B's parent is school A.",
        fix: "Give the top record (the district, the school year) an empty parentSourcedId and point each child at its real parent.",
        spec: "OneRoster data model: orgs and academic sessions form trees.",
    },
};

pub static DISTRICT_COUNT: Rule = Rule {
    code: "OR504",
    name: "district-count",
    severity: Warning,
    summary: "orgs.csv does not have exactly one district",
    docs: RuleDocs {
        what: "Counts orgs of type `district`.",
        why: "Amplify requires \"a district object … with the district's name\" through ClassLink, and schools hang under it; with none or several, the hierarchy is ambiguous. Multi-district feeds (charter networks) are legitimate, hence a warning.",
        example: "orgs.csv listing only schools.",
        fix: "Add one org of type `district` and make it every school's parent.",
        spec: "Amplify ClassLink enrollment; Pearson: \"The district org will be a unique row\".",
    },
};

pub static SCHOOL_PARENT_NOT_DISTRICT: Rule = Rule {
    code: "OR505",
    name: "school-parent-not-district",
    severity: Warning,
    summary: "A school's parentSourcedId is not the district",
    docs: RuleDocs {
        what: "When orgs.csv has exactly one district, checks every school's `parentSourcedId` is that district's sourcedId.",
        why: "This is the check the ClassLink → Amplify onboarding asks admins to verify by hand: a school outside the district tree is not synced.",
        example: "A school with an empty parentSourcedId, or one pointing at another school.",
        fix: "Set each school's parentSourcedId to the district's sourcedId.",
        spec: "Pearson orgs import: \"schools will have a parentSourcedId value of their district's org sourcedId\"; Amplify ClassLink enrollment.",
    },
};

pub static ENROLLMENT_SCHOOL_MISMATCH: Rule = Rule {
    code: "OR506",
    name: "enrollment-school-mismatch",
    severity: Warning,
    summary: "An enrollment's school differs from its class's school",
    docs: RuleDocs {
        what: "Checks an enrollment's `schoolSourcedId` equals the `schoolSourcedId` of its class.",
        why: "HMH: \"The student you are trying to add to the class is registered in a different school from the class. The class will not be created or updated.\"",
        example: "An enrollment at `sch-2` in a class of `sch-1`.",
        fix: "Use the class's school on the enrollment.",
        spec: "OneRoster data model: an enrollment belongs to the class's school.",
    },
};

pub static TERM_IS_SCHOOL_YEAR: Rule = Rule {
    code: "OR507",
    name: "term-is-school-year",
    severity: Warning,
    summary: "A class's termSourcedIds names the school year instead of a term",
    docs: RuleDocs {
        what: "Checks the sessions in a class's `termSourcedIds` are terms, semesters or grading periods, not the `schoolYear`.",
        why: "Consumers use the class's terms to activate and archive it and to attach grading periods; a whole-year session is usually a leftover default.",
        example: "`termSourcedIds` `FY2026` where FY2026 has type `schoolYear`.",
        fix: "Point the class at the terms or semesters it meets in; add a full-year `term` if it runs all year.",
        spec: "OneRoster data model: a class is taught in one or more terms; schoolYear sessions group them.",
    },
};
