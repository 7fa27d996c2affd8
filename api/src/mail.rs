//! Mail delivery: the worker every instance runs ([`worker`]), the
//! templates that write each mail in its recipient's language
//! ([`templates`]), and the relay it goes through ([`transport`]; the log
//! when no relay is configured).

pub mod templates;
pub mod transport;
pub mod worker;
