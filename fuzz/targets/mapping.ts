// Mapping files (YAML) as an operator writes them: parsed and checked field by field, or refused with a code.
import { parseMapping } from '../../gateway/src/adapters/mapping.js';
import { allowTyped, type FuzzTarget } from './target.js';

const target: FuzzTarget = {
  name: 'mapping',
  maxLength: 16 * 1024,
  dictionary: [
    'type: ',
    'columns:',
    '  - header: ',
    '    kind: ',
    'date',
    'amount',
    'snils',
    'ignore',
    'delimiter: ',
    'encoding: ',
    'headerRow: ',
    'sheet: ',
    '&a',
    '*a',
    '<<: ',
    '!!binary',
    '\n',
    '  ',
  ],
  run(data) {
    try {
      parseMapping(new TextDecoder().decode(data), 'fuzz');
    } catch (e) {
      allowTyped(e);
    }
  },
};
export default target;
