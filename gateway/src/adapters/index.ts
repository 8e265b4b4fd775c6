export * from './table.js';
export * from './mapping.js';
export * from './convert.js';
export * from './report.js';
export * from './folder-drop.js';
export * from './detect.js';
export * from './spreadsheet.js';
export * from './bundled.js';
