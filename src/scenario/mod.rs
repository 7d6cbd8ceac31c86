//! Scenarios: the language (model), loading from files and the built-in
//! catalog, templating, and static validation.

pub mod catalog_table;
pub mod load;
pub mod model;
pub mod schema;
pub mod template;
pub mod validate;

pub use load::Scenario;
