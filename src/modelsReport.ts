import { ConfigError, loadProviderConfigFromEnvironment } from './config.ts';
import { modelsFailureLine, renderModelsComparison } from './modelsReportText.ts';
import { createApimartClient } from './services/apimart/client.ts';
import { compareModels } from './services/apimart/modelsComparison.ts';

// `npm run models`: the catalog beside what APIMART_API_KEY can call, without Discord. Exits 0 when apimart
// answered, 1 when the configuration, the key or the network failed.
let config;
try {
  config = loadProviderConfigFromEnvironment();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`npm run models: ${err.message}\n`);
  process.exit(1);
}
// The host only: a base URL with credentials in it must not be printed whole.
const host = new URL(config.apimartBaseUrl).host;
try {
  const listed = await createApimartClient({ baseUrl: config.apimartBaseUrl, apiKey: config.apimartApiKey }).listModels();
  process.stdout.write(`${renderModelsComparison(compareModels(config.models.ids(), listed), config.defaultModel, host)}\n`);
} catch (err) {
  process.stderr.write(`${modelsFailureLine(err, host)}\n`);
  process.exit(1);
}
