import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { jaOptionNames } from '../i18n/commandNames.ts';
import type { ModelCatalog } from '../models/modelCatalog.ts';
import { aspectChoices, durationBounds, modelOptionValues, offerAll, type IsOffered } from './catalogChoices.ts';
import { maxPromptChars } from './videoRequest.ts';

/**
 * `/video`'s definition. The model choices, the ratios and the range of durations come from the catalog;
 * durations and resolutions are offered by autocomplete, for the model chosen in the same command.
 */
export function videoCommandData(catalog: ModelCatalog, defaultModel: string, isOffered: IsOffered = offerAll): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const defaultLabel = catalog.find(defaultModel)?.label ?? defaultModel;
  return {
    name: 'video',
    type: ApplicationCommandType.ChatInput,
    description: 'Generate a short video from a text prompt (and an optional reference image)',
    description_localizations: { ja: 'テキスト（と任意の参照画像）から短い動画を生成します' },
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: [
      {
        type: ApplicationCommandOptionType.String, name: 'prompt', required: true, max_length: maxPromptChars,
        description: 'What the video should show (up to 2000 characters)',
        name_localizations: { ja: jaOptionNames.prompt },
        description_localizations: { ja: '動画の内容（2000文字まで）' },
      },
      {
        type: ApplicationCommandOptionType.Integer, name: 'duration', required: false,
        description: 'Length in seconds (the model decides what it offers)',
        name_localizations: { ja: jaOptionNames.duration },
        description_localizations: { ja: '秒数（選べる長さはモデルによります）' },
        autocomplete: true,
        ...durationBounds(catalog),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'aspect_ratio', required: false,
        description: 'Orientation (default landscape)',
        name_localizations: { ja: jaOptionNames.aspect_ratio },
        description_localizations: { ja: '向き（既定は横長）' },
        choices: aspectChoices(catalog),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'model', required: false,
        description: `Model (default ${defaultLabel})`.slice(0, 100),
        name_localizations: { ja: jaOptionNames.model },
        description_localizations: { ja: `モデル（既定は ${defaultLabel}）`.slice(0, 100) },
        ...modelOptionValues(catalog, isOffered),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'resolution', required: false,
        description: 'Resolution, for models that offer it',
        name_localizations: { ja: jaOptionNames.resolution },
        description_localizations: { ja: '解像度（対応モデルのみ）' },
        autocomplete: true,
      },
      {
        type: ApplicationCommandOptionType.Attachment, name: 'image', required: false,
        description: 'Reference image: JPEG, PNG or WebP, at most 10 MB',
        name_localizations: { ja: jaOptionNames.image },
        description_localizations: { ja: '参照画像: JPEG・PNG・WebP、10 MB まで' },
      },
      {
        type: ApplicationCommandOptionType.Boolean, name: 'audio', required: false,
        description: 'With sound, for models that offer it (default: the model\'s)',
        name_localizations: { ja: jaOptionNames.audio },
        description_localizations: { ja: '音声の有無（対応モデルのみ、既定はモデルによります）' },
      },
    ],
  };
}
