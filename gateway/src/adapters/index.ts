export * from './table.js';
export * from './mapping.js';
export * from './convert.js';
export * from './source-map.js';
export * from './report.js';
export * from './folder-drop.js';
export * from './detect.js';
export * from './spreadsheet.js';
