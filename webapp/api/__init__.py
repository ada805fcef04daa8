"""The JSON API under /api/v1: what its domains share (strict JSON bodies, the answer envelope, the error
contract, common OpenAPI pieces) and its own endpoints (liveness, the OpenAPI document)."""
