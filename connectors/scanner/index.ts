export { parseGs1, formatGs1, gs1CheckDigit, gs1Date, type Gs1Element, type Gs1Result, type Gs1Symbology } from './gs1.ts';
export { GS, gs1AiSpecs, hasPredefinedLength, predefinedLengths, characterSet82, type Gs1AiSpec, type Gs1ValueKind } from './gs1-ai-table.ts';
