// A finding's message as the designer shows it. The server words its findings (engine/validation); one part it
// passes through from a library is put in plain words here: the CEL parser's syntax error of an expression
// ("Syntax error: token recognition error at: '= '" becomes "… is not a valid expression near '= ' (column
// 21): check for a mistyped operator …"). The server's own message stays the row's tooltip.
import type { Finding } from "./findings";

const CEL_SYNTAX = /^(.*) is not a valid CEL expression(?: \(line (\d+), column (\d+) of the expression\))?: (?:Syntax error: )?(.*?)\.?$/s;

interface Plain {
  /** Where in the expression, e.g. "near '= ' (column 21)", "at its end". */
  where: string;
  words: string;
}

const OPERATORS = "==, !=, <, <=, >, >=, &&, ||";
/** The server's hint for the word operators an expression used ("CEL writes 'and' as '&&'"), kept as it is. */
const WORD_OPERATORS_HINT = / CEL writes .*$/s;

/** The parser's complaint (ANTLR's words) in plain words; null for one not known here. */
function plainParserError(detail: string, column: string | undefined): Plain | null {
  const at = (token: string) => `near '${token}'${column ? ` (column ${column})` : ""}`;
  let m = /^token recognition error at: '(.*)'$/s.exec(detail);
  if (m) {
    const token = m[1]!;
    const quote = /^['"]/.test(token);
    return { where: at(token), words: quote ? "a text in quotes is not closed" : `'${token.trim()}' is not part of any operator or name: check for a mistyped operator (${OPERATORS})` };
  }
  m = /^(?:mismatched|extraneous) input '<EOF>'/.exec(detail);
  if (m) return { where: "at its end", words: "it stops before it is complete: a value or a closing bracket is missing" };
  m = /^missing '(.*)' at '<EOF>'$/s.exec(detail);
  if (m) return { where: "at its end", words: `a '${m[1]}' is missing` };
  m = /^missing '(.*)' at '(.*)'$/s.exec(detail);
  if (m) return { where: at(m[2]!), words: `a '${m[1]}' is missing before '${m[2]}'` };
  m = /^mismatched input '(.*)' expecting/s.exec(detail);
  if (m) return { where: at(m[1]!), words: `'${m[1]}' cannot come there: a value, a name or an operator is missing or mistyped before it` };
  m = /^extraneous input '(.*)' expecting/s.exec(detail);
  if (m) return { where: at(m[1]!), words: `'${m[1]}' is one too many there` };
  m = /^no viable alternative at input '(.*)'$/s.exec(detail);
  if (m) return { where: at(m[1]!), words: `'${m[1]}' cannot be read as part of an expression` };
  return null;
}

/** The message of a finding as the designer shows it (see above); the server's message when nothing is reworded. */
export function findingMessage(finding: Pick<Finding, "code" | "message">): string {
  if (finding.code !== "guard-syntax") return finding.message;
  const m = CEL_SYNTAX.exec(finding.message);
  if (!m) return finding.message;
  const [, subject, , column, told] = m;
  const hint = WORD_OPERATORS_HINT.exec(told!)?.[0].replace(/\.?$/, ".") ?? "";
  const plain = plainParserError(told!.replace(WORD_OPERATORS_HINT, "").replace(/\.$/, "").trim(), column);
  if (!plain) return finding.message;
  return `${subject} is not a valid expression ${plain.where}: ${plain.words}.${hint}`;
}
