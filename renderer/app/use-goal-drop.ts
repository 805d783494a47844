/**
 * A goal file can be dropped anywhere in the window, and a goal's text pasted anywhere outside
 * a text field or terminal. Returns whether files are being dragged over the window.
 */
import { useEffect, useState } from 'react';
import { useApp } from './contexts.js';
import { isTextField, terminalPaneOf } from './focus.js';
import { PASTED_GOAL_NAME, readGoalFile } from './goal-file.js';

export function useGoalDrop(): boolean {
  const openGoal = useApp((s) => s.openGoal);
  const notify = useApp((s) => s.notify);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every element crossed; count them to know when it left the window.
    let depth = 0;
    const carriesFiles = (ev: DragEvent): boolean => ev.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (ev: DragEvent): void => {
      if (!carriesFiles(ev)) return;
      depth++;
      setDragging(true);
    };
    const onOver = (ev: DragEvent): void => {
      if (!carriesFiles(ev)) return;
      ev.preventDefault();
      if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (ev: DragEvent): void => {
      if (!carriesFiles(ev)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (ev: DragEvent): void => {
      depth = 0;
      setDragging(false);
      const file = ev.dataTransfer?.files[0];
      if (!file) return; // dragged text goes where it is dropped, as usual
      ev.preventDefault();
      void readGoalFile(file).then((read) => (read.ok ? openGoal(read.name, read.text) : notify('error', read.message)));
    };
    const onPaste = (ev: ClipboardEvent): void => {
      const target = document.activeElement;
      if (isTextField(target) || terminalPaneOf(target) !== null) return;
      const text = ev.clipboardData?.getData('text/plain') ?? '';
      if (text.trim() === '') return;
      ev.preventDefault();
      void openGoal(PASTED_GOAL_NAME, text);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, [openGoal, notify]);
  return dragging;
}
