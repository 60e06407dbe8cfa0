// The room's members (webapp/js/members.js) tell the parts that follow them through events, and the
// shared names (webapp/js/events.js) cannot be changed by a module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Members } from '../../../main/resources/webapp/js/members.js';
import { ERROR_CODE, LEAVE_REASON, MEMBER, SIGNALING } from '../../../main/resources/webapp/js/events.js';

function membersWith(...names) {
  const page = { members: new Map() };
  for (const [id, name] of names) {
    page.members.set(id, { id, name, nameElement: { textContent: name } });
  }
  const members = new Members(page, null);
  const heard = [];
  for (const type of Object.values(MEMBER)) {
    members.addEventListener(type, (e) => heard.push([type, e.detail]));
  }
  return { page, members, heard };
}

test('a rename changes the member and its row, and is told once as member-renamed', () => {
  const { page, members, heard } = membersWith(['a', 'Ann'], ['b', 'Bob']);
  members.rename('a', 'Anna');
  const m = page.members.get('a');
  assert.equal(m.name, 'Anna');
  assert.equal(m.nameElement.textContent, 'Anna');
  assert.deepEqual(heard, [[MEMBER.RENAMED, m]]);
  assert.equal(page.members.get('b').name, 'Bob');
});

test('the same name, no name or an unknown member is no rename', () => {
  const { members, heard } = membersWith(['a', 'Ann']);
  members.rename('a', 'Ann');
  members.rename('a', '');
  members.rename('a', null);
  members.rename('x', 'Xavier');
  assert.deepEqual(heard, []);
});

test('adding a known member under a new name is a rename, not a second member', () => {
  const { page, members, heard } = membersWith(['a', 'Ann']);
  const m = page.members.get('a');
  assert.equal(members.add('a', 'Anna'), m);
  assert.equal(members.add('a', null), m);
  assert.deepEqual(heard, [[MEMBER.RENAMED, m]]);
  assert.equal(page.members.size, 1);
});

test('the shared names are frozen, and error codes are snake_case like the HTTP API', () => {
  for (const table of [SIGNALING, MEMBER, ERROR_CODE, LEAVE_REASON]) {
    assert.ok(Object.isFrozen(table));
  }
  assert.throws(() => { 'use strict'; ERROR_CODE.ROOM_FULL = 'room-full'; }, TypeError);
  for (const code of Object.values(ERROR_CODE)) {
    assert.match(code, /^[a-z]+(_[a-z]+)*$/);
  }
  assert.equal(ERROR_CODE.ROOM_FULL, 'room_full');
  assert.equal(SIGNALING.MEDIA_ADDED, 'media-added');
});
