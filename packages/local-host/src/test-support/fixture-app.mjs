// An app module as an app's compiled src/functions.js looks: it only registers.
import { app } from '@azure/functions';

app.http('fixtureHello', {
  route: 'fixture/hello/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request) => ({ body: `hello ${request.params.name}` }),
});
