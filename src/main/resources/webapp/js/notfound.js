/** The "page not found" page (404.html, answered by the server for unknown paths a browser opens). */
import { fillPage } from './i18n.js';

fillPage();
