"use client";
// Reminders while the app is open: an in-page notice, and a browser notification when the person
// allowed them. Permission is asked only from a user's action (saving a task with a reminder).
import { useEffect, useRef } from "react";

import { createReminderScheduler, type Remindable, type ReminderScheduler } from "../reminders";

type Notify = (tone: "success" | "error", text: string, key?: string) => void;

const notificationsSupported = () => typeof window !== "undefined" && "Notification" in window;

/** Asks for notification permission if it was never asked; a refusal is said in the page. */
export function askNotificationPermission(notify: Notify): void {
  if (!notificationsSupported() || Notification.permission !== "default") return;
  void Notification.requestPermission().then((permission) => {
    if (permission === "denied") {
      notify("success", "Notifications are blocked in this browser: reminders will show here on the page.", "notifications");
    }
  });
}

export function useReminders(tasks: readonly Remindable[], notify: Notify): void {
  const scheduler = useRef<ReminderScheduler | null>(null);
  const notifyRef = useRef(notify);
  useEffect(() => {
    notifyRef.current = notify;
  }, [notify]);

  useEffect(() => {
    const current = createReminderScheduler((task) => {
      notifyRef.current("success", `Reminder: “${task.title}”`, `reminder-${task.id}`);
      if (notificationsSupported() && Notification.permission === "granted") {
        new Notification("Task reminder", { body: task.title, tag: `task-${task.id}` });
      }
    });
    scheduler.current = current;
    return () => current.stop();
  }, []);

  useEffect(() => {
    scheduler.current?.update(tasks);
  }, [tasks]);
}
