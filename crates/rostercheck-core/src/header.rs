//! Compiles a file's header row into a [`Plan`] (header position ↔ spec column), once per file,
//! so the row loop indexes fields by position and never looks a name up by string.

// Indexes are header positions and spec columns computed in this module, kept in range by construction.
#![allow(clippy::indexing_slicing)]

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::header as rules;
use crate::spec::{FileKind, FileSpec, Version, FILE_1_2_0_USERS};

#[derive(Debug)]
pub struct Plan {
    pub spec: &'static FileSpec,
    /// The version whose layout the header follows (may differ from the package's).
    pub layout_version: Version,
    /// For each header position, the spec column index it holds.
    pub columns: Vec<Option<usize>>,
    /// For each spec column, the header position holding it.
    pub positions: Vec<Option<usize>>,
    /// Number of header fields.
    pub width: usize,
    /// Header fields without the trailing empty names Excel leaves (`…,password,,`).
    pub named_width: usize,
    /// False when the header is not OneRoster at all: rows are counted but not checked.
    pub check_rows: bool,
}

impl Plan {
    /// Header position of the spec column `name`, if the header has it.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.spec.column_index(name).and_then(|i| self.positions[i])
    }
}

/// Known layouts of other formats that share OneRoster's file names.
const FOREIGN: &[(&str, &[&str])] = &[
    (
        "Microsoft School Data Sync (SDS) v2.1",
        &[
            "activeDirectoryMatchId",
            "sessionSourcedIds",
            "isPrimary",
            "raceCodes",
            "userFlags",
            "orgType",
            "roleType",
        ],
    ),
    (
        "Microsoft School Data Sync (SDS) v1",
        &[
            "SIS ID",
            "School SIS ID",
            "Section SIS ID",
            "Teacher SIS ID",
        ],
    ),
    (
        "Clever",
        &[
            "School_id",
            "Student_id",
            "Teacher_id",
            "Section_id",
            "Student_number",
        ],
    ),
    (
        "OneRoster REST (JSON) field names",
        &[
            "orgs",
            "agents",
            "school",
            "course",
            "terms",
            "user",
            "class",
            "parent",
            "children",
            "schoolYear",
        ],
    ),
];

/// Compiles `header` for `kind` in a `version` package. Findings are appended to `out`.
pub fn compile(
    kind: FileKind,
    header: &[String],
    version: Version,
    file_name: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    let own = version.spec().file(kind)?;
    let mut spec = own;
    let mut layout_version = version;
    let exact = |s: &FileSpec| {
        s.columns
            .iter()
            .filter(|c| header.iter().any(|h| h == c.name))
            .count()
    };
    let is_layout = |s: &FileSpec| defined_part(header).iter().copied().eq(s.header());
    let finding = |rule, message: String, help: String| {
        Diagnostic::new(rule, message, help).file(file_name).line(1)
    };

    if !is_layout(own) {
        let other = version.other().spec().file(kind);
        if let Some(other) = other.filter(|o| !std::ptr::eq(*o, own) && exact(o) > exact(own)) {
            spec = other;
            layout_version = version.other();
            out.push(finding(
                &rules::WRONG_VERSION_HEADER,
                format!(
                    "This is a OneRoster {} {} header, but the package is OneRoster {}",
                    layout_version.as_str(),
                    kind.file_name(),
                    version.as_str()
                ),
                format!(
                    "export every file with the same OneRoster version; the {} layout is checked here so its other findings still make sense",
                    layout_version.as_str()
                ),
            ));
        } else if kind == FileKind::Users
            && version == Version::V1_2
            && is_layout(&FILE_1_2_0_USERS)
        {
            spec = &FILE_1_2_0_USERS;
            out.push(
                finding(
                    &rules::WRONG_VERSION_HEADER,
                    "This users.csv has the OneRoster 1.2.0 layout, with `resourceSourcedIds`, which 1.2.1 removed".to_owned(),
                    "1.2.1 consumers read users.csv without `resourceSourcedIds` (use userResources.csv); check which layout your consumer expects".to_owned(),
                )
.severity(Severity::Warning),
            );
        }
    }

    let width = header.len();
    let named_width = header
        .iter()
        .rposition(|h| !h.trim().is_empty())
        .map_or(0, |p| p + 1);
    let mut columns = vec![None; width];
    let mut positions: Vec<Option<usize>> = vec![None; spec.columns.len()];
    let mut pending = Vec::new();
    let mut unknown = Vec::new();
    let mut extension_positions = Vec::new();

    // Exact names first, so a wrong-case duplicate never hides the right one.
    for (pos, name) in header.iter().enumerate() {
        if let Some(col) = spec.column_index(name) {
            if positions[col].is_some() {
                pending.push(
                    finding(
                        &rules::DUPLICATE_COLUMN,
                        format!(
                            "Column `{name}` appears twice (columns {} and {})",
                            positions[col].unwrap_or(0) + 1,
                            pos + 1
                        ),
                        "remove or rename the second column; values are read from the first"
                            .to_owned(),
                    )
                    .position(pos)
                    .field(name)
                    .value(name),
                );
            } else {
                positions[col] = Some(pos);
                columns[pos] = Some(col);
            }
        }
    }
    for (pos, name) in header.iter().enumerate() {
        if columns[pos].is_some() || spec.column_index(name).is_some() {
            continue;
        }
        if name.starts_with("metadata.") {
            extension_positions.push(pos);
            continue;
        }
        let trimmed = name.trim();
        let near = spec
            .columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(trimmed))
            .filter(|col| positions[*col].is_none());
        if let Some(col) = near {
            let right = spec.columns[col].name;
            let what = if trimmed != name {
                "has spaces around it"
            } else {
                "has the wrong upper/lower case"
            };
            pending.push(
                finding(
                    &rules::COLUMN_CASE,
                    format!("Column `{name}` {what}: the header must say `{right}`"),
                    "header names are case-sensitive and exact; consumers such as ClassLink and HMH treat it as an unknown column".to_owned(),
                )
                .position(pos)
                .field(right)
                .value(name),
            );
            positions[col] = Some(pos);
            columns[pos] = Some(col);
            continue;
        }
        unknown.push(pos);
    }
    // Unknown names: suggest (and check as) the closest missing column.
    let mut unknown_findings = Vec::new();
    for pos in unknown {
        let name = &header[pos];
        if pos >= named_width {
            continue; // reported once below
        }
        if name.trim().is_empty() {
            unknown_findings.push(finding(
                &rules::UNKNOWN_COLUMN,
                format!("Column {} has no name", pos + 1),
                "remove the empty column (often a stray comma at the end of the header), or give it its OneRoster name".to_owned(),
            ).position(pos));
            continue;
        }
        let suggestion = spec
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| positions[*i].is_none())
            .map(|(i, c)| {
                (
                    edit_distance(&name.to_ascii_lowercase(), &c.name.to_ascii_lowercase()),
                    i,
                )
            })
            .filter(|(d, i)| *d <= 2.max(spec.columns[*i].name.len() / 5))
            .min();
        let d = if let Some((_, col)) = suggestion {
            positions[col] = Some(pos);
            columns[pos] = Some(col);
            let right = spec.columns[col].name;
            finding(
                &rules::UNKNOWN_COLUMN,
                format!("Column `{name}` is not a OneRoster column; did you mean `{right}`?"),
                format!("rename it to `{right}`; its values are checked as `{right}` here, but consumers will not find the column"),
            )
            .field(right)
        } else {
            finding(
                &rules::UNKNOWN_COLUMN,
                format!("Column `{name}` is not defined for {}", kind.file_name()),
                format!(
                    "remove it, or rename an extension column to `metadata.{}` and move it after the defined columns",
                    name.trim_start_matches("ext_").trim_start_matches("ext.")
                ),
            )
        };
        unknown_findings.push(d.position(pos).value(name));
    }

    let found = positions.iter().filter(|p| p.is_some()).count();
    if found * 2 < spec.columns.len() {
        let format = FOREIGN
            .iter()
            .find(|(_, marks)| {
                header
                    .iter()
                    .filter(|h| marks.contains(&h.as_str()))
                    .count()
                    >= 2
            })
            .map(|(name, _)| *name);
        let expected: Vec<_> = spec.header().collect();
        let message = match format {
            Some(f) => format!("This {} looks like a {f} file, not OneRoster", kind.file_name()),
            None => format!(
                "This header does not look like a OneRoster {} {}: only {found} of its {} columns are present",
                layout_version.as_str(),
                kind.file_name(),
                spec.columns.len()
            ),
        };
        out.push(finding(
            &rules::NOT_ONEROSTER,
            message,
            format!("export OneRoster CSV; the rows of this file were not checked. The header must be: {}", expected.join(",")),
        ));
        return Some(Plan {
            spec,
            layout_version,
            columns,
            positions,
            width,
            named_width,
            check_rows: false,
        });
    }

    out.extend(pending);
    out.extend(unknown_findings);
    if named_width < width {
        out.push(
            finding(
                &rules::UNKNOWN_COLUMN,
                format!(
                    "The header ends with {} empty column name(s) (extra commas)",
                    width - named_width
                ),
                "remove the trailing commas from the header line; rows are still checked"
                    .to_owned(),
            )
            .position(named_width)
            .severity(Severity::Warning),
        );
    }
    let missing: Vec<_> = spec
        .columns
        .iter()
        .zip(&positions)
        .filter(|(_, p)| p.is_none())
        .map(|(c, _)| c.name)
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if missing.len() == 1 {
            format!("Column {list} is missing")
        } else {
            format!("{} columns are missing: {list}", missing.len())
        };
        let mut d = finding(
            &rules::MISSING_COLUMN,
            message,
            format!(
                "every defined column must be present, in order, even when its values are empty; the header must be: {}",
                spec.header().collect::<Vec<_>>().join(",")
            ),
        );
        if missing.len() == 1 {
            d = d.field(missing[0]);
        }
        out.push(d);
    }

    let mapped: Vec<(usize, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(p, c)| c.map(|c| (p, c)))
        .collect();
    if let Some(w) = mapped.windows(2).find(|w| w[0].1 > w[1].1) {
        let (a, b) = (spec.columns[w[0].1].name, spec.columns[w[1].1].name);
        out.push(
            finding(
                &rules::COLUMN_ORDER,
                format!("Columns are out of order: `{a}` comes before `{b}`"),
                format!(
                    "reorder the columns; the header must be exactly: {}",
                    spec.header().collect::<Vec<_>>().join(",")
                ),
            )
            .position(w[1].0)
            .field(b),
        );
    }
    if let Some(&last_defined) = mapped.iter().map(|(p, _)| p).max() {
        if let Some(&ext) = extension_positions.iter().find(|p| **p < last_defined) {
            out.push(
                finding(
                    &rules::EXTENSION_COLUMN_POSITION,
                    format!(
                        "Extension column `{}` comes before defined columns",
                        header[ext]
                    ),
                    "move metadata.* columns (and their values) to the end of every line"
                        .to_owned(),
                )
                .position(ext)
                .field(&header[ext]),
            );
        }
    }
    Some(Plan {
        spec,
        layout_version,
        columns,
        positions,
        width,
        named_width,
        check_rows: true,
    })
}

/// The header without trailing `metadata.*` columns.
fn defined_part(header: &[String]) -> Vec<&str> {
    let mut names: Vec<&str> = header.iter().map(String::as_str).collect();
    while names.last().is_some_and(|n| n.starts_with("metadata.")) {
        names.pop();
    }
    names
}

/// Levenshtein distance (ASCII-oriented, short strings).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: FileKind, header: &str, version: Version) -> (Option<Plan>, Vec<String>) {
        let names: Vec<String> = header.split(',').map(str::to_owned).collect();
        let mut out = Vec::new();
        let plan = compile(kind, &names, version, kind.file_name(), &mut out);
        (
            plan,
            out.iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect(),
        )
    }

    const ORGS: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId";

    #[test]
    fn exact_header_has_no_findings() {
        let (plan, found) = run(FileKind::Orgs, &format!("{ORGS},metadata.x"), Version::V1_1);
        assert!(found.is_empty(), "{found:?}");
        let plan = plan.unwrap();
        assert_eq!(plan.position("type"), Some(4));
        assert_eq!(plan.columns[7], None);
    }

    #[test]
    fn case_order_duplicates_unknown_missing() {
        let (_, found) = run(
            FileKind::Orgs,
            "SourcedId,status,dateLastModified,type,name,identifier,parentSourcedId,type",
            Version::V1_1,
        );
        assert!(found.iter().any(|f| f.starts_with("OR205")), "{found:?}");
        assert!(found.iter().any(|f| f.starts_with("OR204")), "{found:?}");
        assert!(found.iter().any(|f| f.starts_with("OR203")), "{found:?}");
        let (_, found) = run(
            FileKind::Orgs,
            "sourcedId,status,dateLastModified,nmae,type,identifier,parentSourcedId",
            Version::V1_1,
        );
        assert_eq!(
            found,
            vec!["OR202 Column `nmae` is not a OneRoster column; did you mean `name`?"]
        );
        let (_, found) = run(
            FileKind::Orgs,
            "sourcedId,status,dateLastModified,name,type,parentSourcedId,ext_x",
            Version::V1_1,
        );
        assert!(
            found
                .iter()
                .any(|f| f == "OR201 Column `identifier` is missing"),
            "{found:?}"
        );
        assert!(
            found.iter().any(|f| f.starts_with("OR202 Column `ext_x`")),
            "{found:?}"
        );
        let (_, found) = run(
            FileKind::Orgs,
            "sourcedId,metadata.a,status,dateLastModified,name,type,identifier,parentSourcedId",
            Version::V1_1,
        );
        assert!(found.iter().any(|f| f.starts_with("OR206")), "{found:?}");
    }

    #[test]
    fn version_layouts() {
        let v11 = Version::V1_1
            .spec()
            .file(FileKind::Users)
            .unwrap()
            .header()
            .collect::<Vec<_>>()
            .join(",");
        let (plan, found) = run(FileKind::Users, &v11, Version::V1_2);
        assert!(
            found[0].starts_with("OR207 This is a OneRoster 1.1 users.csv header"),
            "{found:?}"
        );
        assert_eq!(plan.unwrap().layout_version, Version::V1_1);
        let v120 = FILE_1_2_0_USERS.header().collect::<Vec<_>>().join(",");
        let (plan, found) = run(FileKind::Users, &v120, Version::V1_2);
        assert_eq!(found.len(), 1);
        assert!(plan.unwrap().position("resourceSourcedIds").is_some());
    }

    #[test]
    fn foreign_formats() {
        let (plan, found) = run(
            FileKind::Users,
            "sourcedId,email,username,givenName,familyName,activeDirectoryMatchId,isPrimary",
            Version::V1_2,
        );
        assert!(!plan.unwrap().check_rows);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("SDS"), "{found:?}");
    }
}
