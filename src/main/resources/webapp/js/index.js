/** "/" creates a room with a random, unguessable name (128 random bits) and goes there. */
import { randomId } from './hash.js';
import { setUpApp } from './pwa.js';
import { fillPage } from './i18n.js';

fillPage();
setUpApp();

const name = randomId(16);
const link = document.getElementById('new-room');
link.href = `/room/${name}`;
link.hidden = false;
location.replace(link.href);
