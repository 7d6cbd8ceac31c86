//! Scenarios: the language (model), loading from files and the built-in
//! catalog, templating, and static validation.

pub mod model;
