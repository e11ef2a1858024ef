export { assertDeliverableUrl, createGuardedLookup, isNameNotFound, isPrivateAddress, PRIVATE_ADDRESS_CODE, URL_GUARD_CODES } from './url-guard';
export type { UrlPolicy } from './url-guard';
