"""Pure queue rules and the wire protocol; imports only the stdlib and msgspec."""
