//! chatlore: a knowledge browser for the chat archive of payments-industry WeChat groups.
//!
//! The core (everything but `tui`) is a library: [`archive`] loads the Jekyll chat logs,
//! [`speakers`], [`people`] and [`topics`] enrich them, [`index`] keeps a tantivy index of them on disk,
//! [`query`] parses the query language, [`search`] runs it and [`rank`] orders it.
#![forbid(unsafe_code)]

pub mod archive;
pub mod date;
pub mod discussion_search;
pub mod discussions;
pub mod export;
pub mod generate;
pub mod glossary;
pub mod index;
pub(crate) mod lift;
pub mod mcp;
pub(crate) mod mention;
pub(crate) mod near;
pub mod normalise;
pub mod panics;
pub mod people;
pub mod plural;
pub mod query;
pub(crate) mod question;
pub mod rank;
pub mod search;
pub mod speakers;
pub(crate) mod split;
pub mod text;
pub mod topics;
pub mod tui;
pub mod watch;
pub mod who;
mod yaml;
