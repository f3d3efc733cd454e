// The part of the SARIF 2.1.0 schema that pgbouncer-lint's output uses, with what GitHub code scanning
// requires on top (a rule for every result, 1-based regions, relative URIs against %SRCROOT%).
//
// Every object lists all the properties SARIF 2.1.0 defines for it and allows no others, as the official
// schema does, so an invalid property fails here too. Constraints are written for the properties the CLI
// fills in; the others only have to be absent.

const NAMES = {
  sarifLog: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: [
    'tool',
    'invocations',
    'conversion',
    'language',
    'versionControlProvenance',
    'originalUriBaseIds',
    'artifacts',
    'logicalLocations',
    'graphs',
    'results',
    'automationDetails',
    'runAggregates',
    'baselineGuid',
    'redactionTokens',
    'defaultEncoding',
    'defaultSourceLanguage',
    'newlineSequences',
    'columnKind',
    'externalPropertyFileReferences',
    'threadFlowLocations',
    'taxonomies',
    'addresses',
    'translations',
    'policies',
    'webRequests',
    'webResponses',
    'specialLocations',
    'properties',
  ],
  tool: ['driver', 'extensions', 'properties'],
  toolComponent: [
    'guid',
    'name',
    'organization',
    'product',
    'productSuite',
    'shortDescription',
    'fullDescription',
    'fullName',
    'version',
    'semanticVersion',
    'dottedQuadFileVersion',
    'releaseDateUtc',
    'downloadUri',
    'informationUri',
    'globalMessageStrings',
    'notifications',
    'rules',
    'taxa',
    'locations',
    'language',
    'contents',
    'isComprehensive',
    'localizedDataSemanticVersion',
    'minimumRequiredLocalizedDataSemanticVersion',
    'associatedComponent',
    'translationMetadata',
    'supportedTaxonomies',
    'properties',
  ],
  reportingDescriptor: [
    'id',
    'deprecatedIds',
    'guid',
    'deprecatedGuids',
    'name',
    'deprecatedNames',
    'shortDescription',
    'fullDescription',
    'messageStrings',
    'defaultConfiguration',
    'helpUri',
    'help',
    'relationships',
    'properties',
  ],
  reportingConfiguration: ['enabled', 'level', 'rank', 'parameters', 'properties'],
  multiformatMessageString: ['text', 'markdown', 'properties'],
  message: ['text', 'markdown', 'id', 'arguments', 'properties'],
  invocation: [
    'commandLine',
    'arguments',
    'responseFiles',
    'startTimeUtc',
    'endTimeUtc',
    'exitCode',
    'ruleConfigurationOverrides',
    'notificationConfigurationOverrides',
    'toolExecutionNotifications',
    'toolConfigurationNotifications',
    'exitCodeDescription',
    'exitSignalName',
    'exitSignalNumber',
    'processStartFailureMessage',
    'executionSuccessful',
    'machine',
    'account',
    'processId',
    'executableLocation',
    'workingDirectory',
    'environmentVariables',
    'stdin',
    'stdout',
    'stderr',
    'stdoutStderr',
    'properties',
  ],
  notification: [
    'locations',
    'message',
    'level',
    'threadId',
    'timeUtc',
    'exception',
    'descriptor',
    'associatedRule',
    'properties',
  ],
  result: [
    'ruleId',
    'ruleIndex',
    'rule',
    'kind',
    'level',
    'message',
    'analysisTarget',
    'locations',
    'guid',
    'correlationGuid',
    'occurrenceCount',
    'partialFingerprints',
    'fingerprints',
    'stacks',
    'codeFlows',
    'graphs',
    'graphTraversals',
    'relatedLocations',
    'suppressions',
    'baselineState',
    'rank',
    'attachments',
    'hostedViewerUri',
    'workItemUris',
    'provenance',
    'fixes',
    'taxa',
    'webRequest',
    'webResponse',
    'properties',
  ],
  location: [
    'id',
    'physicalLocation',
    'logicalLocations',
    'message',
    'annotations',
    'relationships',
    'properties',
  ],
  physicalLocation: ['address', 'artifactLocation', 'region', 'contextRegion', 'properties'],
  artifactLocation: ['uri', 'uriBaseId', 'index', 'description', 'properties'],
  region: [
    'startLine',
    'startColumn',
    'endLine',
    'endColumn',
    'charOffset',
    'charLength',
    'byteOffset',
    'byteLength',
    'snippet',
    'message',
    'sourceLanguage',
    'properties',
  ],
} as const;

type Schema = Record<string, unknown>;

/** An object with SARIF's property names for `kind`, the given constraints, and nothing else. */
function object(kind: keyof typeof NAMES, required: string[], constraints: Record<string, Schema>): Schema {
  const properties: Record<string, Schema> = Object.fromEntries(NAMES[kind].map((name) => [name, {}]));
  for (const [name, schema] of Object.entries(constraints)) {
    if (!(name in properties)) throw new Error(`${name} is not a SARIF 2.1.0 property of ${kind}`);
    properties[name] = schema;
  }
  return { type: 'object', required, properties, additionalProperties: false };
}

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const positive = { type: 'integer', minimum: 1 };
const level = { enum: ['none', 'note', 'warning', 'error'] };
const nonEmpty = { type: 'string', minLength: 1 };

export const SARIF_SUBSET_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  definitions: {
    multiformatMessageString: object('multiformatMessageString', ['text'], {
      text: nonEmpty,
      markdown: nonEmpty,
    }),
    message: object('message', ['text'], { text: nonEmpty }),
    artifactLocation: object('artifactLocation', ['uri'], {
      // A URI reference: forward slashes, no spaces or backslashes; relative ones against %SRCROOT%.
      uri: { type: 'string', pattern: '^[^\\s\\\\]+$' },
      uriBaseId: { const: '%SRCROOT%' },
    }),
    region: object('region', ['startLine', 'startColumn', 'endLine', 'endColumn'], {
      startLine: positive,
      startColumn: positive,
      endLine: positive,
      endColumn: positive,
    }),
    physicalLocation: object('physicalLocation', ['artifactLocation'], {
      artifactLocation: ref('artifactLocation'),
      region: ref('region'),
    }),
    location: object('location', ['physicalLocation'], {
      id: { type: 'integer', minimum: 0 },
      physicalLocation: ref('physicalLocation'),
      message: ref('message'),
    }),
    reportingDescriptor: object(
      'reportingDescriptor',
      ['id', 'name', 'shortDescription', 'fullDescription', 'help', 'defaultConfiguration', 'properties'],
      {
        id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
        name: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$' },
        shortDescription: ref('multiformatMessageString'),
        fullDescription: ref('multiformatMessageString'),
        help: ref('multiformatMessageString'),
        defaultConfiguration: object('reportingConfiguration', ['level'], { level }),
        properties: {
          type: 'object',
          required: ['tags'],
          properties: { tags: { type: 'array', items: nonEmpty, uniqueItems: true } },
        },
      },
    ),
    result: object(
      'result',
      ['ruleId', 'ruleIndex', 'level', 'message', 'locations', 'partialFingerprints'],
      {
        ruleId: nonEmpty,
        ruleIndex: { type: 'integer', minimum: 0 },
        level,
        message: ref('message'),
        locations: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: object('location', ['physicalLocation'], {
            physicalLocation: object('physicalLocation', ['artifactLocation', 'region'], {
              artifactLocation: ref('artifactLocation'),
              region: ref('region'),
            }),
          }),
        },
        relatedLocations: { type: 'array', minItems: 1, items: ref('location') },
        partialFingerprints: {
          type: 'object',
          required: ['primaryLocationLineHash'],
          additionalProperties: { type: 'string', pattern: '^[0-9a-f]{16}:[1-9][0-9]*$' },
        },
      },
    ),
    notification: object('notification', ['message'], {
      level,
      message: ref('message'),
      locations: { type: 'array', items: ref('location') },
    }),
  },
  ...object('sarifLog', ['$schema', 'version', 'runs'], {
    $schema: { const: 'https://json.schemastore.org/sarif-2.1.0.json' },
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: object('run', ['tool', 'results', 'originalUriBaseIds'], {
        tool: object('tool', ['driver'], {
          driver: object('toolComponent', ['name', 'version', 'informationUri', 'rules'], {
            name: { const: 'pgbouncer-lint' },
            version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
            semanticVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
            informationUri: { type: 'string', pattern: '^https?://\\S+$' },
            rules: { type: 'array', minItems: 1, items: ref('reportingDescriptor') },
          }),
        }),
        invocations: {
          type: 'array',
          items: object('invocation', ['executionSuccessful'], {
            executionSuccessful: { type: 'boolean' },
            toolExecutionNotifications: { type: 'array', items: ref('notification') },
          }),
        },
        originalUriBaseIds: {
          type: 'object',
          required: ['%SRCROOT%'],
          additionalProperties: object('artifactLocation', ['uri'], {
            // An absolute directory URI: SARIF wants the trailing slash.
            uri: { type: 'string', pattern: '^file:///\\S*/$' },
          }),
        },
        columnKind: { const: 'utf16CodeUnits' },
        results: { type: 'array', items: ref('result') },
      }),
    },
  }),
};
