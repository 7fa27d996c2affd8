//! Opaque global ids: `base64url("<Type>:<id>")`. Clients must treat them as
//! opaque strings; the type prefix lets `node(id)` find the right table.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AppError;

/// Declares the kinds once: the enum, the list of them, and their names
/// (each kind's GraphQL type name is its own name).
macro_rules! kinds {
    ($($kind:ident),+ $(,)?) => {
        /// The object types that have global ids.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)+
        }

        impl Kind {
            /// Every kind of object with a global id.
            pub const ALL: &'static [Kind] = &[$(Kind::$kind,)+];

            /// The GraphQL type name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$kind => stringify!($kind),)+
                }
            }
        }
    };
}

kinds!(
    User,
    Organisation,
    Invitation,
    Skill,
    Clinic,
    ClinicRegistration,
    Course,
    Lesson,
    Enrolment,
    MentoringRequest,
    Pairing,
    Notification,
    Channel,
    PresenceSnapshot,
    PlanGoal,
    PlanComment,
    ClinicQuestion,
);

impl Kind {
    /// The kind with this GraphQL type name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|kind| kind.name() == name)
    }
}

/// The global id of row `id` of `kind`.
pub fn encode(kind: Kind, id: i64) -> ID {
    let mut text = Text::new();
    text.push(kind.name());
    text.push(":");
    text.push(itoa::Buffer::new().format(id));
    ID(URL_SAFE_NO_PAD.encode(text.as_bytes()))
}

/// Text up to 64 bytes on the stack, for the ids and cursors a page writes
/// by the dozen (`format!` would allocate each before it is encoded).
pub struct Text {
    bytes: [u8; 64],
    len: usize,
}

impl Text {
    /// Empty text.
    pub fn new() -> Self {
        Self {
            bytes: [0; 64],
            len: 0,
        }
    }

    /// Appends `part`; what would not fit is left out (ids and cursors
    /// are at most 47 bytes: a name, two 20-digit numbers, separators).
    pub fn push(&mut self, part: &str) {
        let end = (self.len + part.len()).min(self.bytes.len());
        let take = end - self.len;
        self.bytes[self.len..end].copy_from_slice(&part.as_bytes()[..take]);
        self.len = end;
    }

    /// The text so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Default for Text {
    fn default() -> Self {
        Self::new()
    }
}

/// Decodes any global id; malformed input is `BAD_USER_INPUT` on `field`.
pub fn decode_any(id: &str, field: &'static str) -> Result<(Kind, i64), AppError> {
    let malformed = || AppError::field(field, "malformed id");
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (name, raw) = text.split_once(':').ok_or_else(malformed)?;
    let kind = Kind::from_name(name).ok_or_else(malformed)?;
    let id = raw.parse::<i64>().map_err(|_| malformed())?;
    if id <= 0 {
        return Err(malformed());
    }
    Ok((kind, id))
}

/// Decodes a list of global ids that must all be of `kind` (see [`decode`]).
pub fn decode_all(ids: &[ID], kind: Kind, field: &'static str) -> Result<Vec<i64>, AppError> {
    ids.iter().map(|id| decode(id, kind, field)).collect()
}

/// Decodes a global id that must be of `kind`. One rule for every argument:
/// a malformed id, or one of another kind, is the client's mistake
/// (`BAD_USER_INPUT` on `field`); a well-formed id of the right kind that
/// names nothing the caller can reach is `NOT_FOUND`, later.
pub fn decode(id: &str, kind: Kind, field: &'static str) -> Result<i64, AppError> {
    match decode_any(id, field)? {
        (found, id) if found == kind => Ok(id),
        _ => Err(AppError::field(
            field,
            format!("not {} {} id", article(kind.name()), kind.name()),
        )),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests;
