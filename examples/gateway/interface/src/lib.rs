//! The interface clients call; it exposes `core`'s error type.

pub use core::Error;

/// A named interface that forwards operations to `core`.
#[derive(Debug, Clone)]
pub struct Interface {
    name: String,
}

impl Interface {
    pub fn new(name: impl Into<String>) -> Self {
        Interface { name: name.into() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls `operation` through `core`, with the default timeout.
    pub fn call(&self, operation: &str) -> Result<(), core::Error> {
        core::execute_operation(&self.name, operation, std::time::Duration::from_secs(30))
    }
}
