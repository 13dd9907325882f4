//! Built-in word lists. Each person name comes with an ASCII slug used for usernames and emails.
//!
//! A few entries deliberately contain a comma or a double quote so that generated files exercise
//! RFC 4180 quoting, and many contain non-ASCII UTF-8 letters.

/// `(display name, lowercase ASCII slug)`.
pub(crate) type Name = (&'static str, &'static str);

pub(crate) static GIVEN: &[Name] = &[
    ("José", "jose"),
    ("María", "maria"),
    ("Zoë", "zoe"),
    ("Liam", "liam"),
    ("Olivia", "olivia"),
    ("Noah", "noah"),
    ("Emma", "emma"),
    ("Mateo", "mateo"),
    ("Sofía", "sofia"),
    ("Aiden", "aiden"),
    ("Chloé", "chloe"),
    ("Muhammad", "muhammad"),
    ("Fatoumata", "fatoumata"),
    ("Wei", "wei"),
    ("Mei", "mei"),
    ("Anh", "anh"),
    ("Jamal", "jamal"),
    ("Aaliyah", "aaliyah"),
    ("Dmitri", "dmitri"),
    ("Søren", "soren"),
    ("Łukasz", "lukasz"),
    ("François", "francois"),
    ("Renée", "renee"),
    ("Björn", "bjorn"),
    ("Ayşe", "ayse"),
    ("Kwame", "kwame"),
    ("Priya", "priya"),
    ("Arjun", "arjun"),
    ("Yuki", "yuki"),
    ("Hana", "hana"),
    ("Isabella", "isabella"),
    ("Ethan", "ethan"),
    ("Camila", "camila"),
    ("Santiago", "santiago"),
    ("Ava", "ava"),
    ("Lucas", "lucas"),
    ("Nadia", "nadia"),
    ("Omar", "omar"),
    ("Grace", "grace"),
    ("Daniel", "daniel"),
    ("Robert \"Bobby\"", "robert"),
    ("Elizabeth \"Liz\"", "elizabeth"),
    ("Jean-Luc", "jeanluc"),
    ("Mary Kate", "marykate"),
];

pub(crate) static FAMILY: &[Name] = &[
    ("García", "garcia"),
    ("Rodríguez", "rodriguez"),
    ("Nguyễn", "nguyen"),
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("Williams", "williams"),
    ("Brown", "brown"),
    ("Jones", "jones"),
    ("Martínez", "martinez"),
    ("Hernández", "hernandez"),
    ("López", "lopez"),
    ("González", "gonzalez"),
    ("Pérez", "perez"),
    ("Peña", "pena"),
    ("Núñez", "nunez"),
    ("Chen", "chen"),
    ("Wang", "wang"),
    ("Li", "li"),
    ("Kim", "kim"),
    ("Park", "park"),
    ("Trần", "tran"),
    ("Lê", "le"),
    ("Patel", "patel"),
    ("Khan", "khan"),
    ("Rahman", "rahman"),
    ("Diallo", "diallo"),
    ("Okafor", "okafor"),
    ("Mensah", "mensah"),
    ("Cohen", "cohen"),
    ("Müller", "muller"),
    ("Dvořák", "dvorak"),
    ("Kowalski", "kowalski"),
    ("Ivanova", "ivanova"),
    ("Yılmaz", "yilmaz"),
    ("Søndergaard", "sondergaard"),
    ("O'Brien", "obrien"),
    ("D'Angelo", "dangelo"),
    ("García-López", "garcialopez"),
    ("Johnson, Jr.", "johnson"),
    ("King, III", "king"),
    ("Jackson", "jackson"),
    ("Rivera", "rivera"),
    ("Thompson", "thompson"),
    ("Baptiste", "baptiste"),
];

/// People, places and themes schools are named after.
pub(crate) static HONOREES: &[&str] = &[
    "Frederick Douglass",
    "Sojourner Truth",
    "José Martí",
    "Roberto Clemente",
    "Marie Curie",
    "Langston Hughes",
    "Shirley Chisholm",
    "Thurgood Marshall",
    "Ada Lovelace",
    "Sor Juana Inés de la Cruz",
    "Fiorello H. LaGuardia",
    "Zoë Kravitz Arts",
    "Nguyễn Du",
    "Arts, Science and Technology",
    "The \"Renaissance\" Academy",
    "Harbor View",
    "Riverside",
    "Maple Grove",
];

/// `(countryOfBirthCode, stateOfBirthAbbreviation, cityOfBirth)`; the first entries are domestic.
pub(crate) static DOMESTIC_BIRTHPLACES: &[(&str, &str, &str)] = &[
    ("US", "NY", "New York"),
    ("US", "NY", "New York"),
    ("US", "NY", "New York"),
    ("US", "NY", "Yonkers"),
    ("US", "NJ", "Newark"),
    ("US", "PR", "San Juan"),
    ("US", "FL", "Miami"),
    ("US", "CA", "Los Angeles"),
];

pub(crate) static FOREIGN_BIRTHPLACES: &[(&str, &str, &str)] = &[
    ("DO", "", "Santo Domingo"),
    ("MX", "", "Ciudad de México"),
    ("CN", "", "Guangzhou"),
    ("BD", "", "Dhaka"),
    ("JM", "", "Kingston"),
    ("EC", "", "Quito"),
    ("HT", "", "Port-au-Prince"),
    ("VN", "", "Hà Nội"),
    ("CO", "", "Bogotá"),
    ("TR", "", "İstanbul"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_letters() {
        for (display, slug) in GIVEN.iter().chain(FAMILY) {
            assert!(!display.is_empty());
            assert!(!slug.is_empty());
            assert!(slug.bytes().all(|b| b.is_ascii_lowercase()), "{slug}");
            assert!(!display.contains(['\r', '\n']));
        }
    }
}
