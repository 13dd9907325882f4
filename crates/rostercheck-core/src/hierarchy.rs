//! The org tree and the academic-session tree: cycles, the district, and schools under it.
//! Both files are small (thousands of rows), so their ids are kept as text for the messages.

// Indexes are positions in the node list built here (`by_id` maps only to them).
#![allow(clippy::indexing_slicing)]

use hashbrown::HashMap;

use crate::diagnostic::{Diagnostic, Sink};
use crate::rules::reference as rules;

struct Node {
    id: String,
    parent: Option<String>,
    kind: Option<String>,
    line: u64,
}

#[derive(Default)]
pub struct Hierarchy {
    orgs: Vec<Node>,
    sessions: Vec<Node>,
    /// Header position of `parentSourcedId` in orgs.csv and academicSessions.csv.
    parent_position: Option<usize>,
    session_parent_position: Option<usize>,
}

/// Rows kept per tree; beyond this (a hostile file) the tree checks are skipped.
const MAX_NODES: usize = 2_000_000;

impl Hierarchy {
    pub fn add_org(
        &mut self,
        id: &str,
        parent: Option<&str>,
        kind: Option<&str>,
        line: u64,
        parent_position: Option<usize>,
    ) {
        self.parent_position = parent_position;
        if self.orgs.len() < MAX_NODES {
            self.orgs.push(Node {
                id: id.to_owned(),
                parent: parent.map(str::to_owned),
                kind: kind.map(str::to_owned),
                line,
            });
        }
    }

    pub fn add_session(
        &mut self,
        id: &str,
        parent: Option<&str>,
        line: u64,
        parent_position: Option<usize>,
    ) {
        self.session_parent_position = parent_position;
        if self.sessions.len() < MAX_NODES {
            self.sessions.push(Node {
                id: id.to_owned(),
                parent: parent.map(str::to_owned),
                kind: None,
                line,
            });
        }
    }

    /// Checks the org tree; `delta` files hold changes only, so the district checks are skipped.
    pub fn finish_orgs(&mut self, file: &str, delta: bool, sink: &mut dyn Sink) {
        let orgs = std::mem::take(&mut self.orgs);
        cycles(&orgs, file, self.parent_position, "org", sink);
        if delta {
            return;
        }
        let districts: Vec<&Node> = orgs
            .iter()
            .filter(|n| n.kind.as_deref() == Some("district"))
            .collect();
        match districts.as_slice() {
            [] if !orgs.is_empty() => sink.push(
                Diagnostic::new(
                    &rules::DISTRICT_COUNT,
                    "orgs.csv has no org of type `district`",
                    "add one district org and make it every school's parentSourcedId; Amplify (through ClassLink) needs the district object to place schools",
                )
                .file(file),
            ),
            [] | [_] => {}
            [first, rest @ ..] => sink.push(
                Diagnostic::new(
                    &rules::DISTRICT_COUNT,
                    format!(
                        "orgs.csv has {} districts: {}",
                        districts.len(),
                        districts.iter().take(5).map(|d| format!("\"{}\" (line {})", d.id, d.line)).collect::<Vec<_>>().join(", ")
                    ),
                    "a district export normally has exactly one district org with every school under it; multi-district feeds are fine if your consumer expects them",
                )
                .file(file)
                .line(rest.first().map_or(first.line, |n| n.line))
                .field("type")
                .value("district"),
            ),
        }
        if let [district] = districts.as_slice() {
            for school in orgs.iter().filter(|n| n.kind.as_deref() == Some("school")) {
                if school.parent.as_deref() == Some(district.id.as_str()) {
                    continue;
                }
                let message = match &school.parent {
                    None => format!(
                        "School \"{}\" has no parentSourcedId; the district is \"{}\"",
                        school.id, district.id
                    ),
                    Some(p) => format!(
                        "School \"{}\" has parentSourcedId \"{p}\", not the district \"{}\"",
                        school.id, district.id
                    ),
                };
                let mut d = Diagnostic::new(
                    &rules::SCHOOL_PARENT_NOT_DISTRICT,
                    message,
                    format!("set the school's parentSourcedId to \"{}\"; ClassLink → Amplify syncs only schools under the district", district.id),
                )
                .file(file)
                .line(school.line)
                .field("parentSourcedId")
                .position_opt(self.parent_position);
                if let Some(p) = &school.parent {
                    d = d.value(p);
                }
                sink.push(d);
            }
        }
    }

    pub fn finish_sessions(&mut self, file: &str, sink: &mut dyn Sink) {
        let sessions = std::mem::take(&mut self.sessions);
        cycles(
            &sessions,
            file,
            self.session_parent_position,
            "academic session",
            sink,
        );
    }
}

/// Reports each loop in the parent links once, at the loop's first line.
fn cycles(nodes: &[Node], file: &str, position: Option<usize>, what: &str, sink: &mut dyn Sink) {
    let by_id: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = finished.
    let mut state = vec![0u8; nodes.len()];
    let mut found: Vec<Vec<usize>> = Vec::new();
    for start in 0..nodes.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                2 => break,
                1 => {
                    let from = path.iter().position(|p| *p == i).unwrap_or(0);
                    found.push(path[from..].to_vec());
                    break;
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    at = nodes[i]
                        .parent
                        .as_deref()
                        .and_then(|p| by_id.get(p).copied());
                }
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
    for cycle in found {
        let first = cycle
            .iter()
            .copied()
            .min_by_key(|i| nodes[*i].line)
            .unwrap_or(cycle[0]);
        let node = &nodes[first];
        let message = if cycle.len() == 1 {
            format!("The {what} \"{}\" is its own parent", node.id)
        } else {
            let names: Vec<String> = cycle
                .iter()
                .map(|i| format!("\"{}\"", nodes[*i].id))
                .collect();
            format!(
                "The {what}s {} are each other's ancestors (a loop of parentSourcedId)",
                names.join(" → ")
            )
        };
        sink.push(
            Diagnostic::new(
                &rules::HIERARCHY_CYCLE,
                message,
                "give the top record an empty parentSourcedId and point every other record at its real parent",
            )
            .file(file)
            .line(node.line)
            .field("parentSourcedId")
                .position_opt(position)
            .value(node.parent.as_deref().unwrap_or_default()),
        );
    }
}
