//! The bytes two sessions exchange when one file is checked in two parts by two workers that
//! share no memory (the page's workers; see `Session::fork_bytes` and `Part::to_bytes`). Both
//! ends run the same build, so the form only has to round-trip: fixed-width little-endian
//! numbers, lengths before contents, enums by position. Reading checks every count against
//! the bytes left and takes memory with `try_reserve`, so malformed bytes give None, never a
//! panic. (Bytes that are well formed but inconsistent, say a table list of the wrong length,
//! are not checked: they only ever come from the same build in another worker of the page.)

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash};

use hashbrown::HashMap;

use crate::spec::{FileKind, Version};

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// A count of items, each at least one byte: a count beyond the bytes left is malformed.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(u64::get(self)?).ok()?;
        (n <= self.bytes.len()).then_some(n)
    }

    /// Reads a whole value: None unless `bytes` is exactly one `T`.
    pub(crate) fn read<T: Wire>(bytes: &[u8]) -> Option<T> {
        let mut r = Reader::new(bytes);
        let value = T::get(&mut r)?;
        r.bytes.is_empty().then_some(value)
    }
}

pub(crate) trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn get(r: &mut Reader<'_>) -> Option<Self>;

    fn to_wire(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.put(&mut out);
        out
    }
}

macro_rules! wire_number {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(r: &mut Reader<'_>) -> Option<Self> {
                Some(<$t>::from_le_bytes(r.array()?))
            }
        }
    )*};
}
wire_number!(u8, u32, u64);

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u64).put(out);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        usize::try_from(u64::get(r)?).ok()
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        match u8::get(r)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let n = r.count()?;
        String::from_utf8(r.take(n)?.to_vec()).ok()
    }
}

/// The names the engine keeps as `&'static str` (rule codes and names, file names, column
/// names), found again by their text.
impl Wire for &'static str {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let n = r.count()?;
        static_name(std::str::from_utf8(r.take(n)?).ok()?)
    }
}

fn static_name(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some("");
    }
    if let Some(rule) = crate::rules::find(text) {
        for name in [rule.code, rule.name] {
            if name == text {
                return Some(name);
            }
        }
    }
    if let Some(kind) = FileKind::from_name(text) {
        return Some(kind.file_name());
    }
    [Version::V1_1, Version::V1_2]
        .iter()
        .flat_map(|v| v.spec().files.iter())
        .flat_map(|f| f.columns.iter())
        .map(|c| c.name)
        .find(|name| *name == text)
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        match u8::get(r)? {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Wire> Wire for Box<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        T::get(r).map(Box::new)
    }
}

impl<T: Wire + Copy + Default, const N: usize> Wire for [T; N] {
    fn put(&self, out: &mut Vec<u8>) {
        for item in self {
            item.put(out);
        }
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let mut items = [T::default(); N];
        for item in &mut items {
            *item = T::get(r)?;
        }
        Some(items)
    }
}

impl<T: Wire> Wire for Vec<T> {
    #[inline(never)]
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        for item in self {
            item.put(out);
        }
    }
    #[inline(never)]
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        let n = r.count()?;
        // (An item may take more memory than bytes: a count that cannot fit is refused.)
        let mut items = Vec::new();
        items.try_reserve(n).ok()?;
        for _ in 0..n {
            items.push(T::get(r)?);
        }
        Some(items)
    }
}

/// Puts a map's entries, after their count.
fn put_pairs<'a, K: Wire + 'a, V: Wire + 'a>(
    pairs: impl ExactSizeIterator<Item = (&'a K, &'a V)>,
    out: &mut Vec<u8>,
) {
    pairs.len().put(out);
    for (k, v) in pairs {
        k.put(out);
        v.put(out);
    }
}

/// Reads a map written by [`put_pairs`].
fn get_pairs<K: Wire, V: Wire, M: Default + Extend<(K, V)>>(r: &mut Reader<'_>) -> Option<M> {
    let n = r.count()?;
    let mut map = M::default();
    for _ in 0..n {
        map.extend([(K::get(r)?, V::get(r)?)]);
    }
    Some(map)
}

impl<K: Wire + Ord, V: Wire> Wire for BTreeMap<K, V> {
    #[inline(never)]
    fn put(&self, out: &mut Vec<u8>) {
        put_pairs(self.iter(), out);
    }
    #[inline(never)]
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        get_pairs(r)
    }
}

impl<K: Wire + Eq + Hash, V: Wire, S: BuildHasher + Default> Wire for HashMap<K, V, S> {
    #[inline(never)]
    fn put(&self, out: &mut Vec<u8>) {
        put_pairs(self.iter(), out);
    }
    #[inline(never)]
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        get_pairs(r)
    }
}

macro_rules! wire_tuple {
    ($($name:ident),*) => {
        impl<$($name: Wire),*> Wire for ($($name,)*) {
            #[allow(non_snake_case)]
            fn put(&self, out: &mut Vec<u8>) {
                let ($($name,)*) = self;
                $($name.put(out);)*
            }
            fn get(r: &mut Reader<'_>) -> Option<Self> {
                Some(($($name::get(r)?,)*))
            }
        }
    };
}
wire_tuple!(A, B);
wire_tuple!(A, B, C);
wire_tuple!(A, B, C, D);

/// `Wire` for a struct, field by field (invoked where its private fields are visible).
macro_rules! wire_struct {
    ($t:ty { $($field:ident),* $(,)? }) => {
        impl $crate::wire::Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                $($crate::wire::Wire::put(&self.$field, out);)*
            }
            fn get(r: &mut $crate::wire::Reader<'_>) -> Option<Self> {
                Some(Self { $($field: $crate::wire::Wire::get(r)?,)* })
            }
        }
    };
}
pub(crate) use wire_struct;

/// `Wire` for an enum without data, by its discriminant; every variant must be listed (the
/// match is exhaustive).
macro_rules! wire_enum {
    ($t:ty { $($variant:ident),* $(,)? }) => {
        impl $crate::wire::Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                out.push(match self { $(<$t>::$variant => <$t>::$variant as u8),* });
            }
            fn get(r: &mut $crate::wire::Reader<'_>) -> Option<Self> {
                let at = <u8 as $crate::wire::Wire>::get(r)?;
                [$(<$t>::$variant),*].into_iter().find(|v| *v as u8 == at)
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum!(Version { V1_1, V1_2 });

impl Wire for FileKind {
    fn put(&self, out: &mut Vec<u8>) {
        let at = FileKind::ALL.iter().position(|k| k == self).unwrap_or(0);
        out.push(at as u8);
    }
    fn get(r: &mut Reader<'_>) -> Option<Self> {
        FileKind::ALL.get(usize::from(u8::get(r)?)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Sample = (
        Vec<Option<String>>,
        BTreeMap<u64, bool>,
        &'static str,
        FileKind,
    );

    #[test]
    fn values_round_trip_and_malformed_bytes_are_refused() {
        let value: Sample = (
            vec![Some("é, \"x\"".to_owned()), None],
            BTreeMap::from([(7, true), (u64::MAX, false)]),
            "OR301",
            FileKind::Enrollments,
        );
        let bytes = value.to_wire();
        assert_eq!(Reader::read(&bytes), Some(value));
        for cut in 0..bytes.len() {
            let short = Reader::read::<Sample>(bytes.get(..cut).unwrap_or_default());
            assert!(short.is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Reader::read::<Sample>(&longer).is_none());
        // A name the engine does not know, and a huge count, are refused.
        assert!(Reader::read::<&'static str>(&"no-such-name".to_owned().to_wire()).is_none());
        assert!(Reader::read::<Vec<u8>>(&u64::MAX.to_wire()).is_none());
    }

    #[test]
    fn an_id_entry_takes_the_bytes_the_senders_reserve() {
        let entries = [crate::index::Entry::default(); 3];
        let mut bytes = Vec::new();
        crate::index::put_entries(&entries, &mut bytes);
        assert_eq!(bytes.len(), 3 * crate::index::ENTRY_BYTES);
        assert_eq!(crate::index::entries_from(&bytes).map(|e| e.len()), Some(3));
        assert!(crate::index::entries_from(bytes.get(1..).unwrap_or_default()).is_none());
    }
}
