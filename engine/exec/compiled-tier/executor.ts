import { Interpreter } from '../interpreter.ts';

export class CompiledTierExecutor extends Interpreter {}
