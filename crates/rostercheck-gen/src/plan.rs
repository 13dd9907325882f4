//! The shape of the synthetic district, derived from the student count by arithmetic only.
//!
//! Everything here is O(schools): a few integers per school. Which students sit in which class,
//! which teacher teaches which class and every student's grade are computed from indexes, so the
//! writers never need membership lists.

/// CEDS entry grade codes, indexed by grade number (`KG` = 0).
pub(crate) const GRADE_CODES: [&str; 13] = [
    "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// Students per school (New York City: 1.1M students in 1,800 schools).
pub(crate) const STUDENTS_PER_SCHOOL: u64 = 611;
/// Teachers per 1,000 students (NYC: 75,000 per 1.1M).
pub(crate) const TEACHERS_PER_MILLE: u64 = 68;
/// Upper bound on students per section; sections per course = ceil(students / this).
pub(crate) const MAX_SECTION: u64 = 80;
/// Every `SHARING_STRIDE`-th school borrows one teacher from the next school.
pub(crate) const SHARING_STRIDE: usize = 10;

/// One course offered by every school of a band.
pub(crate) struct CourseDef {
    pub title: &'static str,
    /// Stem of `courseCode` / `classCode`.
    pub code: &'static str,
    /// Ready-to-write CSV field (quoted when it holds more than one item).
    pub subjects: &'static str,
    /// Same number of items as `subjects`.
    pub subject_codes: &'static str,
    pub homeroom: bool,
    /// Full-year classes run in both semesters; the others in one semester.
    pub full_year: bool,
}

const fn course(
    title: &'static str,
    code: &'static str,
    subjects: &'static str,
    subject_codes: &'static str,
    homeroom: bool,
    full_year: bool,
) -> CourseDef {
    CourseDef {
        title,
        code,
        subjects,
        subject_codes,
        homeroom,
        full_year,
    }
}

/// Courses of schools that include the elementary grades: a homeroom plus seven subjects.
pub(crate) static ELEMENTARY_COURSES: [CourseDef; 8] = [
    course("Homeroom", "HR", "", "", true, true),
    course(
        "English Language Arts",
        "ELA",
        "English Language Arts",
        "51001",
        false,
        true,
    ),
    course("Mathematics", "MATH", "Mathematics", "52001", false, true),
    course("Science", "SCI", "Science", "53001", false, true),
    course(
        "Social Studies",
        "SS",
        "Social Studies",
        "54001",
        false,
        true,
    ),
    course(
        "Physical Education",
        "PE",
        "Physical Education",
        "58001",
        false,
        false,
    ),
    course(
        "Arts",
        "ART",
        "\"Visual Arts,Music\"",
        "\"55001,55101\"",
        false,
        false,
    ),
    course(
        "World Languages",
        "WL",
        "World Languages",
        "56001",
        false,
        false,
    ),
];

/// Courses of middle and high schools: eight subjects.
pub(crate) static SECONDARY_COURSES: [CourseDef; 8] = [
    course(
        "English Language Arts",
        "ELA",
        "English Language and Literature",
        "01001",
        false,
        true,
    ),
    course("Mathematics", "MATH", "Mathematics", "02001", false, true),
    course(
        "Science",
        "SCI",
        "\"Life Sciences,Physical Sciences\"",
        "\"03001,03101\"",
        false,
        true,
    ),
    course(
        "Social Studies",
        "SS",
        "Social Sciences and History",
        "04001",
        false,
        true,
    ),
    course(
        "World Languages",
        "WL",
        "World Languages",
        "06001",
        false,
        true,
    ),
    course(
        "Physical Education",
        "PE",
        "Physical Education and Health",
        "08001",
        false,
        false,
    ),
    course(
        "Arts",
        "ART",
        "\"Visual Arts,Music\"",
        "\"05154,05101\"",
        false,
        false,
    ),
    course(
        "Computer Science",
        "CS",
        "Computer and Information Sciences",
        "10001",
        false,
        false,
    ),
];

/// Courses per school (the same for every band).
pub(crate) const COURSES_PER_SCHOOL: u64 = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Band {
    Elementary,
    Middle,
    High,
    K8,
    K12,
}

impl Band {
    /// Band of school `s` out of `count`: a lone school is K-12, otherwise a repeating
    /// elementary, middle, high, elementary, K-8 pattern.
    pub(crate) fn of(s: usize, count: usize) -> Band {
        if count == 1 {
            return Band::K12;
        }
        match s % 5 {
            0 | 3 => Band::Elementary,
            1 => Band::Middle,
            2 => Band::High,
            _ => Band::K8,
        }
    }

    pub(crate) fn lo(self) -> u8 {
        match self {
            Band::Elementary | Band::K8 | Band::K12 => 0,
            Band::Middle => 6,
            Band::High => 9,
        }
    }

    pub(crate) fn hi(self) -> u8 {
        match self {
            Band::Elementary => 5,
            Band::Middle | Band::K8 => 8,
            Band::High | Band::K12 => 12,
        }
    }

    /// Short label used in course titles and codes, e.g. `K-5`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Band::Elementary => "K-5",
            Band::Middle => "6-8",
            Band::High => "9-12",
            Band::K8 => "K-8",
            Band::K12 => "K-12",
        }
    }

    pub(crate) fn courses(self) -> &'static [CourseDef; 8] {
        match self {
            Band::Elementary | Band::K8 | Band::K12 => &ELEMENTARY_COURSES,
            Band::Middle | Band::High => &SECONDARY_COURSES,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct School {
    /// Students in this school.
    pub n: u64,
    /// Global index of its first student.
    pub stu_off: u64,
    /// Teachers whose home school this is.
    pub t: u64,
    /// Global index of its first teacher.
    pub tch_off: u64,
    pub band: Band,
    /// Sections per course.
    pub m: u64,
    /// Global index of its first class.
    pub cls_off: u64,
    /// Global index of its first course.
    pub crs_off: u64,
    /// The last class of this school is taught by the first teacher of the next school.
    pub borrows: bool,
}

impl School {
    pub(crate) fn classes(&self) -> u64 {
        COURSES_PER_SCHOOL * self.m
    }

    /// Grade number of local student `i`: students are sorted by grade in equal cohorts.
    pub(crate) fn grade_of(&self, i: u64) -> u8 {
        let g = u64::from(self.band.hi() - self.band.lo()) + 1;
        self.band.lo() + ((u128::from(i) * u128::from(g) / u128::from(self.n)) as u8)
    }

    /// First local student of section `j` (sections partition the school's students into
    /// contiguous ranges; `section_start(m) == n`).
    pub(crate) fn section_start(&self, j: u64) -> u64 {
        (u128::from(j) * u128::from(self.n) / u128::from(self.m)) as u64
    }
}

pub(crate) struct Plan {
    pub students: u64,
    pub schools: Vec<School>,
    pub teachers: u64,
}

impl Plan {
    pub(crate) fn new(students: u64) -> Plan {
        let students = students.max(1);
        let count = students.div_ceil(STUDENTS_PER_SCHOOL).max(1);
        let base = students / count;
        let rem = students % count;
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        let mut schools = Vec::with_capacity(count);
        let (mut stu_off, mut tch_off, mut cls_off) = (0u64, 0u64, 0u64);
        for s in 0..count {
            let n = base + u64::from((s as u64) < rem);
            let t = ((n * TEACHERS_PER_MILLE + 500) / 1000).max(1);
            let m = n.div_ceil(MAX_SECTION).max(1);
            let school = School {
                n,
                stu_off,
                t,
                tch_off,
                band: Band::of(s, count),
                m,
                cls_off,
                crs_off: s as u64 * COURSES_PER_SCHOOL,
                borrows: false,
            };
            stu_off += n;
            tch_off += t;
            cls_off += school.classes();
            schools.push(school);
        }
        for (s, sc) in schools.iter_mut().enumerate() {
            // Only when the home teacher of the lent-out class keeps another class.
            sc.borrows = s % SHARING_STRIDE == 0 && s + 1 < count && sc.classes() > sc.t;
        }
        Plan {
            students,
            schools,
            teachers: tch_off,
        }
    }

    /// Global teacher index of the primary teacher of local class `c` of school `s`.
    pub(crate) fn teacher_of(&self, s: usize, c: u64) -> u64 {
        let sc = &self.schools[s];
        if sc.borrows && c + 1 == sc.classes() {
            self.schools[s + 1].tch_off
        } else {
            sc.tch_off + c % sc.t
        }
    }

    /// The second school of local teacher `t` of school `s`, if it teaches in two schools.
    pub(crate) fn second_school(&self, s: usize, t: u64) -> Option<usize> {
        (t == 0 && s > 0 && self.schools[s - 1].borrows).then(|| s - 1)
    }

    /// Total classes.
    #[cfg(test)]
    pub(crate) fn classes(&self) -> u64 {
        self.schools.iter().map(School::classes).sum()
    }

    /// Total enrollments: one primary teacher per class, every student once per course.
    #[cfg(test)]
    pub(crate) fn enrollments(&self) -> u64 {
        self.classes() + self.students * COURSES_PER_SCHOOL
    }
}

/// splitmix64 finaliser.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A splitmix64 stream keyed by (seed, stream, index): every entity gets its own independent
/// stream, so values do not depend on generation order.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64, index: u64) -> Rng {
        Rng(mix(seed
            ^ mix(
                stream.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ mix(index)
            )))
    }

    #[inline]
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `per_mille / 1000`.
    #[inline]
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_shape() {
        let p = Plan::new(1_100_000);
        assert_eq!(p.schools.len(), 1801);
        assert_eq!(p.schools.iter().map(|s| s.n).sum::<u64>(), 1_100_000);
        assert!((73_000..77_000).contains(&p.teachers), "{}", p.teachers);
        assert!((105_000..120_000).contains(&p.classes()), "{}", p.classes());
        let per_student = p.enrollments() as f64 / 1_100_000.0;
        assert!((8.0..8.3).contains(&per_student), "{per_student}");
    }

    #[test]
    fn sections_partition_students() {
        for n in [1u64, 2, 10, 79, 80, 81, 611, 1000] {
            let p = Plan::new(n);
            for sc in &p.schools {
                assert_eq!(sc.section_start(0), 0);
                assert_eq!(sc.section_start(sc.m), sc.n);
                for j in 0..sc.m {
                    let size = sc.section_start(j + 1) - sc.section_start(j);
                    assert!((1..=MAX_SECTION).contains(&size), "n={n} size={size}");
                }
                assert!(sc.grade_of(0) == sc.band.lo());
                assert!(sc.grade_of(sc.n - 1) <= sc.band.hi());
                // Every home teacher teaches at least one class.
                assert!(sc.classes() > sc.t || (sc.classes() == sc.t && !sc.borrows));
            }
        }
    }

    #[test]
    fn rng_is_stable_and_spread() {
        let a: Vec<u64> = (0..4).map(|i| Rng::new(1, 2, i).next()).collect();
        let b: Vec<u64> = (0..4).map(|i| Rng::new(1, 2, i).next()).collect();
        assert_eq!(a, b);
        assert_ne!(Rng::new(1, 2, 3).next(), Rng::new(2, 2, 3).next());
        let mut r = Rng::new(7, 7, 7);
        assert!((0..1000).all(|_| r.below(13) < 13));
    }
}
