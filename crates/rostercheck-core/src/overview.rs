//! A roster overview for people: schools with their students, teachers and classes, and
//! students per grade. Counted as rows arrive; memory grows with schools and grades only.

use hashbrown::HashMap;
use serde::Serialize;

use crate::index;

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub schools: Vec<SchoolStats>,
    pub grades: Vec<GradeCount>,
    pub students: u64,
    pub teachers: u64,
    pub classes: u64,
    pub enrollments: u64,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SchoolStats {
    pub sourced_id: String,
    pub name: String,
    pub students: u64,
    pub teachers: u64,
    pub classes: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GradeCount {
    pub grade: String,
    pub students: u64,
}

/// Schools and distinct grades tracked at most (a hostile file cannot grow the overview).
const MAX_SCHOOLS: usize = 20_000;
const MAX_GRADES: usize = 100;

#[derive(Clone, Default)]
pub struct OverviewBuilder {
    overview: Overview,
    by_key: HashMap<u64, usize>,
    grades: HashMap<String, u64>,
}

impl OverviewBuilder {
    pub fn school(&mut self, id: &str, name: Option<&str>) {
        if self.overview.schools.len() < MAX_SCHOOLS && !self.by_key.contains_key(&index::key(id)) {
            self.by_key
                .insert(index::key(id), self.overview.schools.len());
            self.overview.schools.push(SchoolStats {
                sourced_id: crate::diagnostic::truncate(id),
                name: crate::diagnostic::truncate(name.unwrap_or_default()),
                ..SchoolStats::default()
            });
        }
    }

    fn at(&mut self, school: Option<&str>) -> Option<&mut SchoolStats> {
        let i = *self.by_key.get(&index::key(school?))?;
        self.overview.schools.get_mut(i)
    }

    pub fn class(&mut self, school: Option<&str>) {
        self.overview.classes += 1;
        if let Some(s) = self.at(school) {
            s.classes += 1;
        }
    }

    /// A person with `role` at `school` (1.1 users.csv, 1.2 roles.csv primary roles).
    pub fn person(&mut self, school: Option<&str>, role: Option<&str>) {
        match role {
            Some("student") => {
                self.overview.students += 1;
                if let Some(s) = self.at(school) {
                    s.students += 1;
                }
            }
            Some("teacher") => {
                self.overview.teachers += 1;
                if let Some(s) = self.at(school) {
                    s.teachers += 1;
                }
            }
            _ => {}
        }
    }

    pub fn grade(&mut self, grade: &str) {
        let grade = grade.split(',').next().unwrap_or(grade).trim();
        if grade.is_empty() {
            return;
        }
        // (Looked up as it is first: a grade counted before costs no allocation.)
        if let Some(n) = self.grades.get_mut(grade) {
            *n += 1;
            return;
        }
        // Counted under the name shown (a long value is cut), so its rows add up.
        let grade = crate::diagnostic::truncate(grade);
        if let Some(n) = self.grades.get_mut(&grade) {
            *n += 1;
        } else if self.grades.len() < MAX_GRADES {
            self.grades.insert(grade, 1);
        }
    }

    /// Whether [`OverviewBuilder::absorb`] gives what one builder counting every row would:
    /// no school was added in between, and the grades together stay under the cap (which
    /// one builder applies in row order).
    pub fn can_absorb(&self, part: &OverviewBuilder, base: &OverviewBuilder) -> bool {
        let new_grades = part
            .grades
            .keys()
            .filter(|g| !self.grades.contains_key(*g))
            .count();
        self.grades.len() + new_grades <= MAX_GRADES
            && part.grades.len() < MAX_GRADES
            && part.overview.schools.len() == base.overview.schools.len()
            && self.overview.schools.len() == base.overview.schools.len()
    }

    /// Adds what `part` counted since it was `base` (a copy of this builder, then given the
    /// rows of another part of a file), after [`OverviewBuilder::can_absorb`].
    pub fn absorb(&mut self, part: &OverviewBuilder, base: &OverviewBuilder) {
        let (p, b) = (&part.overview, &base.overview);
        let o = &mut self.overview;
        o.students += p.students - b.students;
        o.teachers += p.teachers - b.teachers;
        o.classes += p.classes - b.classes;
        o.enrollments += p.enrollments - b.enrollments;
        for ((mine, now), then) in o.schools.iter_mut().zip(&p.schools).zip(&b.schools) {
            mine.students += now.students - then.students;
            mine.teachers += now.teachers - then.teachers;
            mine.classes += now.classes - then.classes;
        }
        for (grade, n) in &part.grades {
            let added = n - base.grades.get(grade).copied().unwrap_or(0);
            if added > 0 {
                *self.grades.entry(grade.clone()).or_insert(0) += added;
            }
        }
    }

    pub fn enrollment(&mut self) {
        self.overview.enrollments += 1;
    }

    pub fn finish(&mut self) -> Overview {
        let order = |g: &str| {
            crate::spec::VERSION_1_1
                .grades
                .values
                .iter()
                .position(|v| *v == g)
                .unwrap_or(usize::MAX)
        };
        let mut grades: Vec<GradeCount> = self
            .grades
            .iter()
            .map(|(g, n)| GradeCount {
                grade: g.clone(),
                students: *n,
            })
            .collect();
        grades.sort_by(|a, b| (order(&a.grade), &a.grade).cmp(&(order(&b.grade), &b.grade)));
        let mut overview = self.overview.clone();
        overview.grades = grades;
        overview
    }
}

#[cfg(test)]
mod tests {
    use super::OverviewBuilder;

    #[test]
    fn a_long_grade_is_counted_under_its_shortened_name() {
        let mut overview = OverviewBuilder::default();
        let long = "X".repeat(300);
        overview.grade(&long);
        overview.grade(&long);
        let grades = overview.finish().grades;
        assert_eq!(grades.len(), 1);
        assert_eq!(grades[0].students, 2);
    }
}

// The bytes of a forked session's overview and of a part's (see `crate::wire`).
crate::wire::wire_struct!(Overview {
    schools,
    grades,
    students,
    teachers,
    classes,
    enrollments
});
crate::wire::wire_struct!(SchoolStats {
    sourced_id,
    name,
    students,
    teachers,
    classes
});
crate::wire::wire_struct!(GradeCount { grade, students });
crate::wire::wire_struct!(OverviewBuilder {
    overview,
    by_key,
    grades
});
