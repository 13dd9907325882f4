// `npm start`: sets up what is missing, builds dist/, serves it on localhost and prints the URL.
import { build } from './build.mjs';
import { serve } from './serve.mjs';

const dist = build();
const port = Number(process.env.PORT || 8080);
const server = await serve(dist, port).catch(() => serve(dist, 0));
const { port: actual } = server.address();
console.log(`\nrostercheck is running: open http://localhost:${actual}/ in your browser (Ctrl+C to stop).`);
