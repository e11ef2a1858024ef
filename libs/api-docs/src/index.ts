// The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the routes
// and surfaces validate with. `GET /openapi.json` serves it; a test in @voxq/api compares
// it with the app's routes.
export { API_ROUTE_DOCS, buildOpenApiDocument, JSON_SCHEMA_DIALECT, openApiPathOf } from './openapi-document';
export type { OpenApiDocument, Operation } from './openapi-document';
export { jobRequestExamples } from './jobs.docs';
export { isComponent } from './route-doc';
export type { ResponseDoc, RouteDoc } from './route-doc';
