// The one JSON string escaper lives in `JSONText` (the HTTP layer, which does not depend on the core,
// uses it too); everything that imports the core gets it.
@_exported import JSONText
