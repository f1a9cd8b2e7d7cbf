//! Executes operations on behalf of interfaces.

use std::fmt;

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    UnknownInterface(String),
    UnknownOperation { interface: String, operation: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownInterface(i) => write!(f, "unknown interface `{i}`"),
            Error::UnknownOperation { interface, operation } => {
                write!(f, "unknown operation `{operation}` on `{interface}`")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Runs `operation` on `interface`.
pub fn execute_operation(interface: &str, operation: &str) -> Result<(), Error> {
    match (interface, operation) {
        ("", _) => Err(Error::UnknownInterface(interface.to_string())),
        (_, "") => Err(Error::UnknownOperation { interface: interface.to_string(), operation: operation.to_string() }),
        _ => Ok(()),
    }
}
