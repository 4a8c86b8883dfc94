/**
 * Runs one invocation the way the Functions Node worker does: ask the programming model
 * for an invocation model, get the arguments, run the pre-invocation hooks, call the
 * handler, run the post-invocation hooks, and convert the result.
 */
import { randomUUID } from 'node:crypto';

import { HostError } from '../host-error.js';
import { type HostLog, toHostLogLevel } from '../log.js';
import type {
  CoreInvocationContext,
  FunctionCallback,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTraceContext,
  RpcTypedData,
} from './core-types.js';
import type { FunctionApp, RegisteredFunction } from './function-app.js';
import { currentProgrammingModel } from './functions-core.js';

/** The trigger data of one invocation, already in the RPC shape. */
export interface InvocationRequest {
  /** The trigger input under the trigger binding's name. */
  triggerData: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  traceContext?: RpcTraceContext;
}

function logThroughHooks(
  app: FunctionApp,
  log: HostLog,
  fn: RegisteredFunction,
  invocationId: string,
  invocationContext: () => unknown,
): CoreInvocationContext['log'] {
  return (level: RpcLogLevel, category: RpcLogCategory, message: string) => {
    // Log hooks may rewrite level and message; they are synchronous in the worker too.
    const hookContext: Record<string, unknown> = {
      level,
      category,
      message,
      invocationContext: invocationContext(),
      hookData: {},
      appHookData: app.appHookData,
    };
    for (const hook of app.hooks('log', fn)) hook(hookContext);

    const hostLevel = toHostLogLevel(hookContext.level as RpcLogLevel);
    if (!hostLevel) return;
    log({
      level: hostLevel,
      source: category === 'user' ? 'user' : 'system',
      message: String(hookContext.message),
      functionName: fn.name,
      invocationId,
    });
  };
}

/**
 * Invokes `fn` with `request` and returns the model's response (HTTP output, return value).
 * @throws {HostError} PROGRAMMING_MODEL_MISSING when `@azure/functions` never set its model.
 * @throws whatever the handler or a hook throws, after the post-invocation hooks ran.
 */
export async function invokeFunction(
  app: FunctionApp,
  fn: RegisteredFunction,
  request: InvocationRequest,
  log: HostLog,
): Promise<RpcInvocationResponse> {
  const model = currentProgrammingModel();
  if (!model) {
    throw new HostError(
      'PROGRAMMING_MODEL_MISSING',
      `cannot invoke '${fn.name}': @azure/functions has not set its programming model`,
    );
  }

  const invocationId = randomUUID();
  const triggerName = Object.entries(fn.metadata.bindings).find(([, b]) => b === fn.trigger)?.[0];
  const inputData: RpcParameterBinding[] = [{ name: triggerName, data: request.triggerData }];
  // The log handler is built before the context exists; it reads it once it does.
  const current: { context?: unknown } = {};
  const coreCtx: CoreInvocationContext = {
    invocationId,
    request: {
      invocationId,
      functionId: fn.name,
      inputData,
      triggerMetadata: request.triggerMetadata ?? {},
      traceContext: request.traceContext ?? null,
      retryContext: null,
    },
    metadata: fn.metadata,
    log: logThroughHooks(app, log, fn, invocationId, () => current.context),
  };

  const invocationModel = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocationModel.getArguments();
  current.context = context;

  const hookData: Record<string, unknown> = {};
  const pre: Record<string, unknown> = {
    hookData,
    appHookData: app.appHookData,
    invocationContext: context,
    inputs,
    functionCallback: fn.callback,
  };
  coreCtx.state = 'preInvocationHooks';
  try {
    await app.runHooks('preInvocation', pre, fn);
  } finally {
    coreCtx.state = undefined;
  }

  const post: Record<string, unknown> = {
    hookData,
    appHookData: app.appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result: undefined,
    error: undefined,
  };
  coreCtx.state = 'invocation';
  try {
    const handler = pre.functionCallback as FunctionCallback;
    post.result = await invocationModel.invokeFunction(context, pre.inputs as unknown[], handler);
  } catch (error) {
    post.error = error;
  }

  coreCtx.state = 'postInvocationHooks';
  try {
    await app.runHooks('postInvocation', post, fn);
  } finally {
    coreCtx.state = undefined;
  }
  if (post.error !== undefined && post.error !== null) throw post.error;

  return invocationModel.getResponse(context, post.result);
}
