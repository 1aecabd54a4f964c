import type { Config } from '../config';
import type { ModelClient } from './model-client';
import { createOfflineModelClient } from './offline-model-client';
import { createOpenAIModelClient } from './openai-model-client';

export function createModelClient(config: Config['openai']): ModelClient {
  if (!config.apiKey) return createOfflineModelClient();
  return createOpenAIModelClient({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    moderationModel: config.moderationModel,
  });
}
