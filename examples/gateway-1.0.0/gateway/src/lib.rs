//! Routes requests to interfaces.

use interface::Interface;

/// A request for one operation on one interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub interface: String,
    pub operation: String,
}

/// Serves `request`; the error is `core`'s.
pub fn serve(request: &Request) -> Result<(), core::Error> {
    Interface::new(request.interface.clone()).call(&request.operation)
}
