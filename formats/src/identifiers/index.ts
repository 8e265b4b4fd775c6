export { IdCheck, normalizeDigits, readDigits } from './digits.js';
export { checkInn, isValidInn, generateInn10, generateInn12 } from './inn.js';
export { checkOgrn, isValidOgrn, generateOgrn, generateOgrnip } from './ogrn.js';
export { checkSnils, isValidSnils, generateSnils, formatSnils } from './snils.js';
export { checkEnp, isValidEnp, generateEnp } from './enp.js';
export { isValidKpp, normalizeKpp, generateKpp } from './kpp.js';
export { isValidIcd10, normalizeIcd10 } from './icd10.js';
export { isValidServiceCode, normalizeServiceCode } from './service-code.js';
