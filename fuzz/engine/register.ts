// Loaded with `node --import`: the coverage map first, then the hooks that instrument the project's parsers (the
// compiled gateway and formats sources) as they load.
import { register } from 'node:module';
import { installCoverageMap } from './coverage.js';

installCoverageMap();
register('./loader.js', import.meta.url, {
  data: {
    include: [
      new URL('../../gateway/src/', import.meta.url).href,
      new URL('../../../formats/dist/', import.meta.url).href,
      new URL('../../../gost/dist/', import.meta.url).href,
      new URL('../../../tables/dist/', import.meta.url).href,
    ],
  },
});
