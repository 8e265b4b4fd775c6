import ts from 'typescript';

/**
 * Edge-ish coverage for the fuzzing engine: every block, branch arm, case, short-circuit operand and conditional arm
 * of a compiled module gets a counter of its own, so an input that reaches a new arm (or the same arm a new number of
 * times) is seen as new. Counters live in one shared array; each module asks for its slice when it is evaluated.
 */
export const COUNTERS = '__dmsnetCov';

export interface Instrumented {
  code: string;
  counters: number;
}

export function instrument(code: string, fileName: string): Instrumented {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const f = ts.factory;
  let next = 0;
  const bump = (): ts.Expression =>
    f.createPostfixIncrement(f.createElementAccessExpression(f.createIdentifier(COUNTERS), next++));
  const bumpStatement = (): ts.Statement => f.createExpressionStatement(bump());
  const counted = (e: ts.Expression): ts.Expression =>
    f.createParenthesizedExpression(f.createComma(bump(), e));
  const asBlock = (s: ts.Statement): ts.Block =>
    ts.isBlock(s) ? s : f.createBlock([bumpStatement(), s], true);

  const transformer: ts.TransformerFactory<ts.SourceFile> = (context) => {
    const visit = (node: ts.Node): ts.Node => {
      const n = ts.visitEachChild(node, visit, context);
      if (ts.isBlock(n)) return f.updateBlock(n, [bumpStatement(), ...n.statements]);
      if (ts.isIfStatement(n)) {
        // An if without else gets one, so that falling through is an arm of its own.
        const otherwise = n.elseStatement ? asBlock(n.elseStatement) : f.createBlock([bumpStatement()]);
        return f.updateIfStatement(n, n.expression, asBlock(n.thenStatement), otherwise);
      }
      if (ts.isForStatement(n))
        return f.updateForStatement(n, n.initializer, n.condition, n.incrementor, asBlock(n.statement));
      if (ts.isForOfStatement(n))
        return f.updateForOfStatement(n, n.awaitModifier, n.initializer, n.expression, asBlock(n.statement));
      if (ts.isForInStatement(n))
        return f.updateForInStatement(n, n.initializer, n.expression, asBlock(n.statement));
      if (ts.isWhileStatement(n)) return f.updateWhileStatement(n, n.expression, asBlock(n.statement));
      if (ts.isDoStatement(n)) return f.updateDoStatement(n, asBlock(n.statement), n.expression);
      if (ts.isCaseClause(n)) return f.updateCaseClause(n, n.expression, [bumpStatement(), ...n.statements]);
      if (ts.isDefaultClause(n)) return f.updateDefaultClause(n, [bumpStatement(), ...n.statements]);
      if (ts.isConditionalExpression(n))
        return f.updateConditionalExpression(
          n,
          n.condition,
          n.questionToken,
          counted(n.whenTrue),
          n.colonToken,
          counted(n.whenFalse),
        );
      if (ts.isBinaryExpression(n)) {
        const op = n.operatorToken.kind;
        if (
          op === ts.SyntaxKind.AmpersandAmpersandToken ||
          op === ts.SyntaxKind.BarBarToken ||
          op === ts.SyntaxKind.QuestionQuestionToken
        )
          return f.updateBinaryExpression(n, n.left, n.operatorToken, counted(n.right));
      }
      if (ts.isArrowFunction(n) && !ts.isBlock(n.body))
        return f.updateArrowFunction(
          n,
          n.modifiers,
          n.typeParameters,
          n.parameters,
          n.type,
          n.equalsGreaterThanToken,
          counted(n.body),
        );
      return n;
    };
    return (file) => ts.visitEachChild(file, visit, context);
  };

  const result = ts.transform(source, [transformer]);
  const body = ts.createPrinter().printFile(result.transformed[0]!);
  result.dispose();
  // Imports are hoisted, so this line runs once the module's own imports have claimed their slices.
  const header = `const ${COUNTERS} = globalThis.__dmsnetFuzz.counters(${next});\n`;
  return { code: header + body, counters: next };
}
