//! (to be written)

use crate::check::{JsonFile, Sink};

pub(super) fn check(_swagger: &JsonFile, _properties: Option<&JsonFile>, _sink: &mut Sink) {}
