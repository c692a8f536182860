import { describe, expect, it } from 'vitest';

import { actionText, actorText, auditTime, retryText, targetText, waitText, whoText } from './text';

describe('counter staff texts', () => {
  it('audit times are Vietnam local time', () => {
    expect(auditTime('2026-12-02T10:21:05Z')).toBe('02/12/2026 17:21:05');
    expect(auditTime('2026-12-02T23:59:59+07:00')).toBe('02/12/2026 23:59:59');
    expect(auditTime('2026-12-02T17:00:00.123456Z')).toBe('03/12/2026 00:00:00');
    expect(auditTime('nonsense')).toBe('nonsense');
  });

  it('who, on what', () => {
    expect(actorText({ actor_kind: 'staff', actor: 'lan' }, 'vi')).toBe('Cán bộ: lan');
    expect(actorText({ actor_kind: 'cli', actor: '' }, 'en')).toBe('Command line');
    expect(targetText({ target_kind: 'ticket', target: 'A012' })).toBe('ticket A012');
    expect(targetText({ target_kind: null, target: null })).toBe('');
    expect(whoText('Trần Văn Minh', 'manager', 'vi')).toBe('Trần Văn Minh · Quản lý');
    expect(actionText('counter.call_next', 'vi')).toBe('Gọi số tiếp');
    expect(actionText('something.new', 'en')).toBeNull();
    expect(whoText('Trần Văn Minh', 'admin', 'en')).toBe('Trần Văn Minh · Administrator');
  });

  it('waits in words', () => {
    expect(waitText(300, 'vi')).toBe('5 phút');
    expect(waitText(61, 'en')).toBe('2 minutes');
    expect(waitText(60, 'en')).toBe('1 minute');
    expect(waitText(30, 'en')).toBe('30 seconds');
    expect(retryText(1, 'vi')).toBe('Vui lòng thử lại sau 1 giây.');
  });
});
