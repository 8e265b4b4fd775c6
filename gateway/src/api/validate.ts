import { routeValidator } from '../http/request-validation.js';
import { openApiDocument } from './openapi.js';

/** Requests checked against the node's whole contract: the core router's own and the one every router is given. */
export const validateRequest = routeValidator(openApiDocument);
