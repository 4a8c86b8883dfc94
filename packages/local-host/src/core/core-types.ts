/**
 * The part of the `@azure/functions-core` surface this host provides, typed from what
 * `@azure/functions` 4.x reads and writes. The names follow the Functions worker's RPC
 * contract (`Rpc*`) because the programming model speaks it on both sides.
 */

/** A value that may be absent, as the RPC contract wraps nullable strings. */
export interface RpcNullableString {
  value?: string | null;
}

/** One piece of typed data crossing between host and programming model. */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

/** A cookie the programming model asks the host to set on an HTTP response. */
export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: RpcNullableString | null;
  path?: RpcNullableString | null;
  expires?: { value?: { seconds?: number | null } | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
  maxAge?: { value?: number | null } | null;
}

/** An HTTP request (host to model) or response (model to host). */
export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  query?: Record<string, string> | null;
  params?: Record<string, string> | null;
  body?: RpcTypedData | null;
  statusCode?: string | null;
  cookies?: RpcHttpCookie[] | null;
  enableContentNegotiation?: boolean | null;
}

/** One binding of a function: its trigger options, or an input or output. */
export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  dataType?: string | null;
  [option: string]: unknown;
}

/** What `registerFunction` receives: the function's name and bindings by name. */
export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
  [other: string]: unknown;
}

/** The user's handler as registered. */
export type FunctionCallback = (...args: unknown[]) => unknown;

/** A named input of one invocation. */
export interface RpcParameterBinding {
  name?: string | null;
  data?: RpcTypedData | null;
}

/** W3C trace context of one invocation. */
export interface RpcTraceContext {
  traceParent?: string | null;
  traceState?: string | null;
  attributes?: Record<string, string> | null;
}

/** What the host hands the model for one invocation. */
export interface RpcInvocationRequest {
  invocationId?: string | null;
  functionId?: string | null;
  inputData?: RpcParameterBinding[] | null;
  triggerMetadata?: Record<string, RpcTypedData> | null;
  traceContext?: RpcTraceContext | null;
  retryContext?: null;
}

/** What the model hands back for one invocation. */
export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: RpcParameterBinding[] | null;
  returnValue?: RpcTypedData | null;
}

/** Log levels of the RPC contract. */
export type RpcLogLevel =
  'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

/** Who a log line comes from: the user's code or the framework. */
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

/** The per-invocation context the host gives `getInvocationModel`. */
export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

/** What the model returns from `getArguments`. */
export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

/** The model's per-invocation half, driven by the host in a fixed order. */
export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

/** The programming model `@azure/functions` installs with `setProgrammingModel`. */
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  getCapabilities(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

/** The hooks `@azure/functions` can register. */
export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';

/** A hook as registered; it receives a mutable context object the host reads back. */
export type HookCallback = (context: Record<string, unknown>) => unknown;

/** A handle that undoes a registration. */
export interface Disposable {
  dispose(): void;
}
